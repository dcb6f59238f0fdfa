import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '../../common/index.js';
import { clipRuns, decodeVideoFrames, isVideoClip, pacsError, probeVideo } from '../../pacs-adapters/index.js';
import {
  ACQUISITION_RANGES,
  createRng,
  deriveSeed,
  describeKernel,
  fitSeriesNoise,
  LOW_DOSE_DEFAULTS,
  modelFromKernelName,
  randomiseAcquisition,
  simulateLowDose,
  sliceRange,
  THIN_SLICE_MM,
  ValidationError,
  type CtSliceSource,
  type NoiseKernel,
  type SeriesNoiseModel,
} from '../../validation/index.js';
import { ctSliceSource } from './ctSliceSource.js';
import { EXIT } from '../exitCodes.js';
import { publishFolder } from '../publishFolder.js';
import { seriesFromPaths } from './seriesFromPaths.js';

/** Format of the capsule folders; models/training/gsdiff/data.py checks it. */
export const TRAINING_DATA_FORMAT = 1;
/** Format of the CT folders: realisations with their own acquisition parameters (issue "Step 11"). */
export const CT_TRAINING_DATA_FORMAT = 2;

export interface TrainingDataOptions {
  readonly out: string;
  /** Folder name under out/ct (CT) or out/capsule (clips). */
  readonly name?: string;
  /**
   * CT: fixed dose fractions, one realisation each with the series' own kernel and the default electronic noise (an
   * evaluation export). Without them, `realisations` randomised acquisitions (training).
   */
  readonly doses?: readonly number[];
  /** CT: randomised realisations when no doses are given (default 3). */
  readonly realisations?: number;
  readonly seed: number;
  /** 1-based inclusive slice range of a CT series (default: all). */
  readonly slices?: readonly [number, number];
  readonly logger: Logger;
}

function i16(values: Float32Array): Int16Array {
  const out = new Int16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(values[i])));
  return out;
}

/** One realisation's acquisition, as meta.json records it. */
interface Realisation {
  readonly id: string;
  readonly doseFraction: number;
  readonly kernel: NoiseKernel;
  readonly electronicNoiseVariance: number;
  readonly thicknessSlices: number;
  readonly incidentPhotons: number;
  readonly seed: number;
  readonly sharpness?: number;
}

/** Mean of m consecutive slices starting at slice j·m: a thicker slice from thin ones. */
async function thickSlice(src: CtSliceSource, j: number, m: number): Promise<Float32Array> {
  const out = Float32Array.from(await src.frame(j * m));
  for (let t = 1; t < m; t++) {
    const next = await src.frame(j * m + t);
    for (let i = 0; i < out.length; i++) out[i] += next[i];
  }
  if (m > 1) for (let i = 0; i < out.length; i++) out[i] /= m;
  return out;
}

/**
 * Exports one CT series (format 2). The series' own noise is measured on the exported slices and a noise model
 * fitted (validation/noise: NPS-matched kernel, calibrated I0); each realisation is then the whole range simulated
 * by validation/lowdose ('from-full-dose', Yu et al.) at one acquisition: fixed doses with the series' own kernel
 * (evaluation), or randomised dose 5-100 %, kernel sharpness around the series' own, electronic noise and, for thin
 * slices, thickness (1-3 adjacent slices averaged; the clean reference is averaged the same way). Slice j of
 * realisation r draws its noise from deriveSeed(realisation seed, j); every parameter is in meta.json.
 */
async function exportCt(paths: readonly string[], o: TrainingDataOptions, out: NodeJS.WritableStream): Promise<void> {
  const loaded = await seriesFromPaths(paths);
  const s = loaded.series;
  if (s.rows !== s.columns)
    throw pacsError(
      'PACS_ERR_SERIES_INCONSISTENT',
      `${paths.join(', ')}: expected square slices, got ${s.rows}x${s.columns}`,
      {
        field: 'Rows/Columns',
      },
    );
  const whole = ctSliceSource(loaded, paths[0]);
  const name = o.name ?? basename(paths[0]);
  const target = join(o.out, 'ct', name);
  const [a, b] = o.slices ?? [1, s.slices.length];
  if (b > s.slices.length)
    throw pacsError(
      'PACS_ERR_SERIES_INCONSISTENT',
      `${paths.join(', ')}: --slices ${a}-${b}: the series has ${s.slices.length} slices`,
    );
  const src = sliceRange(whole, a - 1, b - a + 1);
  const size = s.rows;
  const started = performance.now();
  const kernelName = s.firstHeader.acquisition?.convolutionKernel;
  let model: SeriesNoiseModel;
  try {
    model = (await fitSeriesNoise(src, { convolutionKernel: kernelName, seed: o.seed })).model;
  } catch (e) {
    if (!(e instanceof ValidationError && e.code === 'VAL_ERR_NO_ROI')) throw e;
    model = modelFromKernelName(kernelName, LOW_DOSE_DEFAULTS.incidentPhotons);
    o.logger.warn({ series: src.label, kernel: kernelName }, 'training-data: no flat region, kernel from its name');
  }
  o.logger.info({ series: src.label, kernel: describeKernel(model.kernel), i0: model.incidentPhotons }, 'noise model');
  const thin = (src.sliceSpacingMm ?? Infinity) <= THIN_SLICE_MM && (src.sliceThicknessMm ?? Infinity) <= THIN_SLICE_MM;
  const rng = createRng(deriveSeed(o.seed, 0x5eed));
  const plan: Realisation[] = o.doses
    ? o.doses.map((f, r) => ({
        id: `r${String(r).padStart(2, '0')}`,
        doseFraction: f,
        kernel: model.kernel,
        electronicNoiseVariance: LOW_DOSE_DEFAULTS.electronicNoiseVariance,
        thicknessSlices: 1,
        incidentPhotons: model.incidentPhotons,
        seed: deriveSeed(o.seed, r + 1),
      }))
    : Array.from({ length: o.realisations ?? 3 }, (_, r) => ({
        id: `r${String(r).padStart(2, '0')}`,
        ...randomiseAcquisition(model, thin, rng),
        seed: deriveSeed(o.seed, r + 1),
      }));
  const realisations: Record<string, unknown>[] = [];
  await publishFolder(target, async (tmp) => {
    for (const r of plan) {
      const m = r.thicknessSlices;
      const n = Math.floor(src.count / m);
      const clean = new Int16Array(n * size * size);
      const noisy = new Int16Array(n * size * size);
      for (let j = 0; j < n; j++) {
        const hu = await thickSlice(src, j, m);
        clean.set(i16(hu), j * size * size);
        const low = simulateLowDose(hu, size, {
          doseFraction: r.doseFraction,
          pixelSizeMm: src.pixelSizeMm,
          seed: deriveSeed(r.seed, j),
          mode: 'from-full-dose',
          window: r.kernel.window,
          cutoff: r.kernel.cutoff,
          incidentPhotons: r.incidentPhotons,
          electronicNoiseVariance: r.electronicNoiseVariance,
        });
        noisy.set(i16(low), j * size * size);
        o.logger.info({ realisation: r.id, slice: j + 1, of: n }, 'training-data: slice simulated');
      }
      const cleanFile = m === 1 ? 'clean.i16' : `${r.id}.clean.i16`;
      if (m > 1 || !realisations.some((x) => (x.files as { clean: string }).clean === cleanFile)) {
        await writeFile(join(tmp, cleanFile), clean);
      }
      await writeFile(join(tmp, `${r.id}.noisy.i16`), noisy);
      realisations.push({
        ...r,
        slices: n,
        sliceThicknessMm:
          src.sliceThicknessMm === undefined
            ? null
            : src.sliceThicknessMm + (m - 1) * (src.sliceSpacingMm ?? src.sliceThicknessMm),
        files: { clean: cleanFile, noisy: `${r.id}.noisy.i16` },
      });
    }
    const meta = {
      format: CT_TRAINING_DATA_FORMAT,
      kind: 'ct',
      name,
      sources: paths,
      seriesInstanceUid: s.seriesInstanceUid,
      slices: src.count,
      firstSlice: a,
      width: size,
      height: size,
      pixelSpacingMm: src.pixelSizeMm,
      sliceThicknessMm: src.sliceThicknessMm ?? null,
      sliceSpacingMm: src.sliceSpacingMm ?? null,
      dtype: 'int16-le',
      units: 'HU',
      seed: o.seed,
      simulation: 'validation/lowdose simulateLowDose, mode from-full-dose, noise model from validation/noise',
      noiseModel: model,
      ranges: o.doses ? null : ACQUISITION_RANGES,
      realisations,
    };
    await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
  });
  const secs = (performance.now() - started) / 1000;
  out.write(
    `ct ${name}: ${src.count} slices ${size}x${size}, noise ${describeKernel(model.kernel)} I0 ${model.incidentPhotons.toExponential(2)}, ` +
      `${plan.length} realisations (${plan.map((r) => `${Math.round(r.doseFraction * 100)}% ${describeKernel(r.kernel)} x${r.thicknessSlices}`).join('; ')}) ` +
      `in ${secs.toFixed(1)} s -> ${target}\n`,
  );
}

/**
 * Exports one capsule clip as RGB24 frames plus its runs (from FRAMES.tsv beside it when it lists the clip, else the
 * detected cuts): training windows stay in a run, so they never cross a cut.
 */
async function exportClip(file: string, o: TrainingDataOptions, out: NodeJS.WritableStream): Promise<void> {
  const info = await probeVideo(file);
  const { frames: clip, source } = await clipRuns(file, info);
  const name = o.name ?? basename(file).replace(/\.[^.]*$/, '');
  const target = join(o.out, 'capsule', name);
  const frameBytes = info.width * info.height * 3;
  await publishFolder(target, async (tmp) => {
    const all = new Uint8Array(clip.frameCount * frameBytes);
    let i = 0;
    for await (const rgb of decodeVideoFrames(file, info)) {
      if (i >= clip.frameCount) break;
      all.set(rgb, i * frameBytes);
      i++;
    }
    if (i !== clip.frameCount)
      throw pacsError('PACS_ERR_VIDEO', `${file}: expected ${clip.frameCount} frames, decoded ${i}`);
    await writeFile(join(tmp, 'frames.u8'), all);
    const meta = {
      format: TRAINING_DATA_FORMAT,
      kind: 'rgb',
      name,
      sources: [file],
      frames: clip.frameCount,
      width: info.width,
      height: info.height,
      dtype: 'uint8-rgb24',
      runs: clip.runs.map((r) => ({ runId: r.runId, first: r.firstFrameIndex, length: r.length })),
      runsFrom: source,
      officialSplit: clip.frames.map((f) => f.officialSplit),
      files: { frames: 'frames.u8' },
    };
    await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
  });
  out.write(`capsule ${name}: ${clip.frameCount} frames, ${clip.runs.length} runs (${source}) -> ${target}\n`);
}

/**
 * `gsdiff training-data`: exports a CT series (with its simulated low-dose versions) or capsule clips into the
 * folder format that models/training reads. Sources are only read.
 */
export async function trainingDataCommand(
  paths: readonly string[],
  o: TrainingDataOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  const clips = paths.filter((p) => isVideoClip(p));
  if (clips.length > 0) {
    if (clips.length !== paths.length)
      throw pacsError(
        'PACS_ERR_SERIES_INCONSISTENT',
        'training-data: expected either CT series paths or video clips, not both',
      );
    for (const clip of clips) await exportClip(clip, { ...o, name: clips.length === 1 ? o.name : undefined }, out);
    return EXIT.OK;
  }
  await exportCt(paths, o, out);
  return EXIT.OK;
}
