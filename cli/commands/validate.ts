import { InvalidArgumentError } from 'commander';
import { basename } from 'node:path';
import type { Logger } from '../../common/index.js';
import type { DeviceRequest, Strength } from '../../models/index.js';
import type { PacsSourceConfig } from '../../server/index.js';
import {
  HU_WINDOWS,
  runValidation,
  validationError,
  writeReport,
  type HuWindow,
  type Roi,
  type ValidationMethod,
  type ValidationResult,
} from '../../validation/index.js';
import { EXIT } from '../exitCodes.js';
import { progress } from '../progress.js';
import { packStrengths, packStrengthsPhrase } from './packStrengths.js';
import { provenance } from './provenance.js';
import { cleanupSources, resolveSeries, type SourceContext } from './validationSources.js';

export interface ValidateCommandOptions {
  readonly reference?: string;
  readonly input?: string;
  readonly simulateDose?: number;
  readonly packs: readonly string[];
  /** `name=series` pairs: series restored elsewhere (e.g. a derived series in the store). */
  readonly tests: readonly string[];
  readonly frames?: readonly [number, number];
  readonly device: DeviceRequest;
  readonly seed: number;
  /** Restoration strength of every pack (default: the runtime's, medium). */
  readonly strength?: Strength;
  readonly noiseRois: readonly Roi[];
  readonly cnrSignal?: Roi;
  readonly cnrBackground?: Roi;
  readonly window: HuWindow;
  /** 1-based frames shown in the strips. */
  readonly stripFrames?: readonly number[];
  readonly npsRoi?: number;
  readonly out: string;
  readonly storeDir: string;
  /** GSDIFF_SOURCES, for `pacs:<source>/…` series. */
  readonly sources: readonly PacsSourceConfig[];
  readonly json?: boolean;
  readonly logger: Logger;
}

const f = (x: number, d: number): string => (Number.isFinite(x) ? x.toFixed(d) : x === Infinity ? 'inf' : '-');

function table(r: ValidationResult): string {
  const paired = r.mode === 'paired';
  const w = Object.keys(r.methods[0]?.summary.psnr ?? {})[0];
  const head = paired
    ? `method            PSNR ${w}  SSIM ${w}  RMSE   noiseSD  CNR    flicker${r.kind === 'rgb' ? '  warp' : ''}   frames/s`
    : `method            noiseSD  CNR    tempDiff${r.kind === 'rgb' ? '  warp' : ''}  NPS-peak  frames/s`;
  const lines = r.methods.map((m) => {
    const s = m.summary;
    const warp = r.kind === 'rgb' ? `  ${f(s.warpingError, 2).padStart(5)}` : '';
    return paired
      ? `${m.name.padEnd(16)}  ${f(s.psnr[w], 2).padStart(10)}  ${f(s.ssim[w], 4).padStart(10)}  ${f(s.rmse, 1).padStart(5)}  ${f(s.noiseSd, 1).padStart(7)}  ${f(s.cnr, 2).padStart(5)}  ${f(s.flicker, 2).padStart(7)}${warp}  ${f(s.framesPerSecond, 2).padStart(8)}`
      : `${m.name.padEnd(16)}  ${f(s.noiseSd, 1).padStart(7)}  ${f(s.cnr, 2).padStart(5)}  ${f(s.flicker, 2).padStart(8)}${warp}  ${f(s.nps?.peakFrequency ?? NaN, 3).padStart(8)}  ${f(s.framesPerSecond, 2).padStart(8)}`;
  });
  return [head, ...lines].join('\n');
}

/**
 * `gsdiff validate`: the input and every method side by side — packs through the one runtime, series restored
 * elsewhere — against a reference (paired) or alone (no reference), with validation/metrics; writes report.html,
 * slices.csv, summary.csv and result.json to `--out` (whole, or not at all).
 * @returns an EXIT code
 */
export async function validateCommand(o: ValidateCommandOptions, out: NodeJS.WritableStream): Promise<number> {
  const ctx: SourceContext = {
    storeDir: o.storeDir,
    sources: o.sources,
    ...(o.frames ? { frames: o.frames } : {}),
    logger: o.logger,
    temps: [],
  };
  try {
    const reference = o.reference ? await resolveSeries(o.reference, ctx) : undefined;
    const input = o.input ? await resolveSeries(o.input, ctx) : undefined;
    const methods: ValidationMethod[] = o.packs.map((p) => ({
      name: basename(p.replace(/\/+$/, '')),
      kind: 'pack',
      pack: p,
    }));
    for (const t of o.tests) {
      const eq = t.indexOf('=');
      const name = eq > 0 ? t.slice(0, eq) : `series${methods.length + 1}`;
      methods.push({ name, kind: 'series', series: await resolveSeries(eq > 0 ? t.slice(eq + 1) : t, ctx) });
    }
    const names = methods.map((m) => m.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i || n === 'input');
    if (dup)
      throw validationError(
        'VAL_ERR_BAD_OPTION',
        `validate: method name "${dup}" is taken: name --test series as name=series`,
        {
          option: 'test',
        },
      );
    const count = (input ?? reference)?.count ?? 0;
    const bar = progress('validating', count * (methods.length + 1));
    let done = 0;
    const result = await runValidation({
      ...(reference ? { reference } : {}),
      ...(input ? { input } : {}),
      ...(o.simulateDose !== undefined ? { simulateDose: o.simulateDose } : {}),
      seed: o.seed,
      methods,
      device: o.device,
      ...(o.strength ? { strength: o.strength } : {}),
      ...(o.noiseRois.length ? { noiseRois: o.noiseRois } : {}),
      ...(o.cnrSignal ? { cnrSignal: o.cnrSignal } : {}),
      ...(o.cnrBackground ? { cnrBackground: o.cnrBackground } : {}),
      stripWindow: o.window,
      ...(o.stripFrames ? { stripFrames: o.stripFrames.map((i) => i - 1) } : {}),
      ...(o.npsRoi ? { npsRoiSize: o.npsRoi } : {}),
      logger: o.logger,
      onProgress: (m) => bar.tick(`${m} ${++done}`),
    });
    bar.stop();
    const files = await writeReport(result, o.out, {
      stripWindow: o.window,
      diffWindow: { low: -100, high: 100, name: 'difference' },
      provenance: {
        ...(await provenance()),
        // The strength acts on pack methods only, each as its pack says (packStrengths).
        ...(o.strength && o.packs.length
          ? { strength: `${o.strength} (${packStrengthsPhrase(await packStrengths(o.packs, o.strength))})` }
          : {}),
      },
    });
    if (o.json)
      out.write(
        JSON.stringify({
          report: files,
          methods: result.methods.map((m) => ({ name: m.name, ...m.summary, nps: undefined })),
        }) + '\n',
      );
    else out.write(`${table(result)}\nreport: ${files.join(', ')}\n`);
    return EXIT.OK;
  } finally {
    await cleanupSources(ctx);
  }
}

/** `--window`: a name of HU_WINDOWS or C/W, e.g. 40/400. */
export function windowOption(v: string): HuWindow {
  const named = (HU_WINDOWS as Record<string, HuWindow>)[v];
  if (named) return named;
  const m = /^(-?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(v);
  if (!m || Number(m[2]) <= 0)
    throw new InvalidArgumentError(` expected ${Object.keys(HU_WINDOWS).join(', ')} or C/W (e.g. 40/400), got "${v}"`);
  const c = Number(m[1]);
  const w = Number(m[2]);
  return { low: c - w / 2, high: c + w / 2, name: `C${c}/W${w}` };
}

/** `--noise-roi` etc.: x,y,width,height in pixels. */
export function roiOption(v: string): Roi {
  const p = v.split(',').map(Number);
  if (p.length !== 4 || !p.every((x) => Number.isInteger(x) && x >= 0) || p[2] < 2 || p[3] < 2)
    throw new InvalidArgumentError(
      `expected a ROI as x,y,width,height in whole pixels (width, height >= 2), got "${v}"`,
    );
  return { x: p[0], y: p[1], width: p[2], height: p[3] };
}
