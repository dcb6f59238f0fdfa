import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Logger } from '../../common/index.js';
import { STRENGTHS, type Branches, type DeviceRequest, type Strength } from '../../models/index.js';
import {
  evaluateClip,
  evaluateCt,
  evaluateRealNoise,
  pngStrip,
  windowFromCenterWidth,
  readHeldOutClip,
  readHeldOutCt,
  svgLinePlot,
  type PlotSeries,
  type CtFigures,
  type Method,
  type RealNoiseFigures,
  type RgbFigures,
} from '../../validation/index.js';
import { EXIT } from '../exitCodes.js';
import { packStrengths, packStrengthsPhrase } from './packStrengths.js';
import { seriesFrame, seriesFromPaths } from './seriesFromPaths.js';

export interface EvaluateOptions {
  readonly data: string;
  readonly ct?: string;
  /** 1-based inclusive slice range, e.g. [38, 61]. */
  readonly slices?: readonly [number, number];
  readonly doses: readonly number[];
  readonly clip?: string;
  readonly frames: number;
  readonly packs: readonly string[];
  /** CT: restore air tiles too (RestoreOptions.skipAir false), e.g. to check that skipping them changes no figure. */
  readonly keepAir?: boolean;
  /** Restoration strength of every pack (default: the runtime's, medium). */
  readonly strength?: Strength;
  /**
   * GSDiff packs: also run these ablation rows (docs/RESULTS.md "Step 12"): 'trn-only' (no diffusion branch),
   * 'diffusion-only' (no TRN); 'full' is the pack as shipped. Default: full only.
   */
  readonly branches?: readonly Branches[];
  /** GSDiff packs: also run with these start timesteps (a number, or 'matched'); default the pack's own. */
  readonly startTimesteps?: readonly (number | 'matched')[];
  /** Every pack at each of these strengths (rows "<pack> low", ...), instead of the one `strength`. */
  readonly strengths?: readonly Strength[];
  /** With `real` and `strengths`: an SVG of the real series' noise SD and edge rise against the blend weight. */
  readonly strengthPlot?: string;
  readonly device: DeviceRequest;
  readonly jsonOut?: string;
  /** A real series (files/folder) restored as is: no-reference noise figures and a picture. */
  readonly real?: string;
  readonly realSlices?: readonly [number, number];
  /** PNG of the middle real slice: input | each pack, soft-tissue window W400/L40. */
  readonly png?: string;
  readonly logger: Logger;
}

const f2 = (x: number): string => x.toFixed(2);
const f4 = (x: number): string => x.toFixed(4);
const f1 = (x: number): string => x.toFixed(1);

function ctTable(rows: Record<string, CtFigures>): string {
  const head =
    '| method | PSNR [-160,240] | SSIM [-160,240] | PSNR C50/W400 | SSIM C50/W400 | RMSE HU | noise SD HU | flicker HU | s |\n' +
    '|---|---|---|---|---|---|---|---|---|\n';
  return (
    head +
    Object.entries(rows)
      .map(
        ([n, r]) =>
          `| ${n} | ${f2(r.psnrMetric)} | ${f4(r.ssimMetric)} | ${f2(r.psnrAbdomen)} | ${f4(r.ssimAbdomen)} | ${f1(r.rmseHu)} | ${f1(r.noiseSdHu)} | ${f1(r.flickerHu)} | ${f1(r.seconds)} |`,
      )
      .join('\n')
  );
}

function rgbTable(rows: Record<string, RgbFigures>): string {
  return (
    '| method | PSNR dB | SSIM | flicker (8-bit) | s |\n|---|---|---|---|---|\n' +
    Object.entries(rows)
      .map(([n, r]) => `| ${n} | ${f2(r.psnr)} | ${f4(r.ssim)} | ${f2(r.flicker)} | ${f1(r.seconds)} |`)
      .join('\n')
  );
}

/**
 * Name shown for a pack: its folder name, then each ablation variant's row ("<pack> trn-only", "<pack> t=1"). The
 * variants apply to GSDiff packs only; a denoiser pack given them runs once (the runtime names unused options).
 */
export function methods(
  packs: readonly string[],
  o: Pick<EvaluateOptions, 'keepAir' | 'strength' | 'branches' | 'startTimesteps' | 'strengths'>,
): Method[] {
  // Without --branches each pack runs as its index says (an RGB series may skip the diffusion branch,
  // trn_frame.rgb.diffusion); with it every row forces its branches, 'full' included, so a row is what it is named.
  const branches: readonly (Branches | undefined)[] = o.branches ?? [undefined];
  const starts = o.startTimesteps ?? [undefined];
  const strengths: readonly (Strength | undefined)[] = o.strengths ?? [o.strength];
  return [
    { name: 'input' },
    ...packs.flatMap((p) =>
      branches.flatMap((b) =>
        starts.flatMap((t) =>
          strengths.map((st) => ({
            name: [
              basename(p.replace(/\/+$/, '')),
              b === undefined || b === 'full' ? '' : b,
              t === undefined ? '' : `t=${t}`,
              o.strengths ? st : '',
            ]
              .filter(Boolean)
              .join(' '),
            pack: p,
            skipAir: !o.keepAir,
            ...(st ? { strength: st } : {}),
            ...(b === undefined ? {} : { branches: b }),
            ...(t === undefined ? {} : { startTimestep: t }),
          })),
        ),
      ),
    ),
  ];
}

/**
 * `gsdiff evaluate`: the held-out comparison of docs/RESULTS.md. Every pack runs through the same runtime on the
 * same simulated low-dose slices (and degraded capsule frames); figures use validation/metrics.
 */
export async function evaluateCommand(o: EvaluateOptions, out: NodeJS.WritableStream): Promise<number> {
  const ms = methods(o.packs, o);
  // How each strength acts in each pack (its own table, else the global blend): what is recorded is what runs.
  const levels = o.strengths ?? (o.strength ? [o.strength] : []);
  const acting = new Map(await Promise.all(levels.map(async (l) => [l, await packStrengths(o.packs, l)] as const)));
  const record = (level: Strength): unknown => ({
    level,
    packs: (acting.get(level) ?? []).map(({ pack, action: { weight, ownNoiseRemoved }, rgb }) => ({
      pack,
      weight,
      ...(ownNoiseRemoved === undefined ? {} : { ownNoiseRemoved }),
      // The capsule frames run a pack's RGB graph, with its own weight, when it has one.
      ...(rgb ? { rgbWeight: rgb.weight } : {}),
    })),
  });
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    device: o.device,
    packs: o.packs,
    ...(o.strength && !o.strengths ? { strength: record(o.strength) } : {}),
    ...(o.strengths ? { strengths: o.strengths.map(record) } : {}),
  };
  if (o.strength && !o.strengths)
    out.write(`strength ${o.strength} (${packStrengthsPhrase(acting.get(o.strength) ?? [])})\n`);
  if (o.ct) {
    const data = await readHeldOutCt(o.data, o.ct);
    const [a, b] = o.slices ?? [1, data.slices];
    report.ct = { series: o.ct, slices: [a, b], doses: {} as Record<string, unknown> };
    for (const dose of o.doses) {
      const rows = await evaluateCt(
        data,
        dose,
        a - 1,
        b - a + 1,
        ms,
        o.device,
        { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
        o.logger,
      );
      (report.ct as { doses: Record<string, unknown> }).doses[String(dose)] = rows;
      out.write(`\nCT ${o.ct}, slices ${a}-${b}, simulated dose ${dose * 100} %\n\n${ctTable(rows)}\n`);
    }
  }
  if (o.clip) {
    const data = await readHeldOutClip(o.data, o.clip);
    const rows = await evaluateClip(data, o.frames, ms, o.device, o.logger);
    report.capsule = { clip: o.clip, frames: Math.min(o.frames, data.frames), rows };
    out.write(`\ncapsule ${o.clip}, ${Math.min(o.frames, data.frames)} frames\n\n${rgbTable(rows)}\n`);
  }
  if (o.real) {
    const loaded = await seriesFromPaths([o.real]);
    const s = loaded.series;
    const [a, b] = o.realSlices ?? [1, s.slices.length];
    const slices: Float32Array[] = [];
    for (let i = a - 1; i < b; i++) slices.push((await seriesFrame(loaded, i)) as Float32Array);
    const h = s.firstHeader;
    // Square pixels only: the edge rise distance is averaged over all directions.
    const sp = s.geometry.pixelSpacing;
    const pixelSpacingMm = sp && Math.abs(sp[0] - sp[1]) <= 1e-6 * sp[0] ? sp[0] : undefined;
    const { figures, outputs } = await evaluateRealNoise(
      slices,
      s.columns,
      s.rows,
      ms,
      o.device,
      {
        modality: s.modality,
        samplesPerPixel: 1,
        acquisition: h.acquisition,
      },
      o.logger,
      { pixelSpacingMm },
    );
    report.real = { series: o.real, slices: [a, b], pixelSpacingMm: pixelSpacingMm ?? null, figures };
    // Edge rise: 10-90 % distance across soft-tissue/fat borders found on the input (lower is sharper).
    const unit = pixelSpacingMm === undefined ? 'px' : 'mm';
    const rise = (r: RealNoiseFigures): string => {
      const v = unit === 'mm' ? r.edgeRiseMm : r.edgeRisePx;
      return v === undefined ? '-' : f2(v);
    };
    out.write(
      `\nreal series ${o.real}, slices ${a}-${b} (no reference)\n\n` +
        `| method | noise SD HU | mean HU | s | edge rise 10-90 % ${unit} | edges |\n|---|---|---|---|---|---|\n` +
        Object.entries(figures)
          .map(
            ([n, r]) => `| ${n} | ${f1(r.noiseSdHu)} | ${f1(r.meanHu)} | ${f1(r.seconds)} | ${rise(r)} | ${r.edges} |`,
          )
          .join('\n') +
        '\n',
    );
    if (o.strengthPlot && o.strengths) {
      await mkdir(dirname(o.strengthPlot), { recursive: true });
      await writeFile(o.strengthPlot, strengthPlot(ms, figures, o.strengths, unit));
      out.write(`strength plot: ${o.strengthPlot}\n`);
    }
    if (o.png) {
      const mid = Math.floor(slices.length / 2);
      const images = ms.map((m) => outputs[m.name][mid]);
      await mkdir(dirname(o.png), { recursive: true });
      await writeFile(o.png, pngStrip(images, s.columns, s.rows, windowFromCenterWidth(40, 400)));
      out.write(`picture: ${o.png} (slice ${a + mid}: ${ms.map((m) => m.name).join(' | ')}, W400/L40)\n`);
    }
  }
  if (o.jsonOut) {
    await mkdir(dirname(o.jsonOut), { recursive: true });
    await writeFile(o.jsonOut, `${JSON.stringify(report, null, 1)}\n`);
  }
  return EXIT.OK;
}

/**
 * Noise SD and edge rise of the real series at each strength, one line per pack, each starting at the input's
 * figures (x 0). The x axis is the strength's rank (low 1, medium 2, high 3), not its blend weight: a pack with a
 * strengths table (models/README.md "Strength") may apply weight 1 at every strength and act through its TRN graphs.
 */
function strengthPlot(
  ms: readonly Method[],
  figures: Readonly<Record<string, RealNoiseFigures>>,
  strengths: readonly Strength[],
  unit: 'mm' | 'px',
): string {
  const input = figures.input;
  const packs = [...new Set(ms.flatMap((m) => ('pack' in m ? [m.name.split(' ').slice(0, -1).join(' ')] : [])))];
  const lines = (pick: (r: RealNoiseFigures) => number | undefined): PlotSeries[] =>
    packs.map((p) => {
      const pts = [
        [0, pick(input)] as const,
        // the method name is "<pack folder> [branches] [t=…] <strength>": its first word is the pack
        ...strengths.map((st) => [STRENGTHS.indexOf(st) + 1, pick(figures[`${p} ${st}`])] as const),
      ];
      return { name: p, x: pts.map(([w]) => w), y: pts.map(([, v]) => v ?? Number.NaN) };
    });
  const rise = (r: RealNoiseFigures): number | undefined => (unit === 'mm' ? r.edgeRiseMm : r.edgeRisePx);
  const [w, h] = [640, 300];
  const noise = svgLinePlot(
    lines((r) => r.noiseSdHu),
    {
      title: 'noise SD in flat soft-tissue ROIs vs strength (0 = input)',
      xLabel: 'strength: 0 input, 1 low, 2 medium, 3 high (the table above gives each weight)',
      yLabel: 'noise SD (HU)',
      width: w,
      height: h,
    },
  );
  const edges = svgLinePlot(lines(rise), {
    title: 'edge rise 10-90 % across soft-tissue/fat borders vs strength',
    xLabel: 'strength: 0 input, 1 low, 2 medium, 3 high',
    yLabel: `edge rise (${unit})`,
    width: w,
    height: h,
  });
  // two plots stacked in one file: nested <svg> elements placed by their y attribute
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${2 * h}">${noise}${edges.replace('<svg ', `<svg y="${h}" `)}</svg>\n`;
}
