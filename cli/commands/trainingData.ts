import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '../../common/index.js';
import { decodeVideoFrames, pacsError, probeVideo, readFramesTsv } from '../../pacs-adapters/index.js';
import { deriveSeed, simulateLowDose } from '../../validation/index.js';
import { EXIT } from '../exitCodes.js';
import { seriesFrame, seriesFromPaths } from './seriesFromPaths.js';

/** Format of the exported folders; models/training/gsdiff/data.py checks it. */
export const TRAINING_DATA_FORMAT = 1;

export interface TrainingDataOptions {
  readonly out: string;
  /** Folder name under out/ct (CT) or out/capsule (clips). */
  readonly name?: string;
  /** Dose fractions simulated for every CT slice, each a separate noise realisation. */
  readonly doses: readonly number[];
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

function doseKey(f: number): string {
  return `dose${String(Math.round(f * 1000)).padStart(4, '0')}`;
}

/** Writes into a temporary sibling folder and renames it into place, so a killed export publishes nothing. */
async function publish(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Exports one CT series: the full-dose slices (HU, int16, series order by position) and, per dose fraction,
 * the projection-domain low-dose simulation of every slice ('from-full-dose', Yu et al.), the one implementation
 * that validation and the demo use. Slice k at dose f draws noise from deriveSeed(seed, k * 1000 + round(1000 f)).
 */
async function exportCt(paths: readonly string[], o: TrainingDataOptions, out: NodeJS.WritableStream): Promise<void> {
  const loaded = await seriesFromPaths(paths);
  const s = loaded.series;
  if (s.modality !== 'CT')
    throw pacsError('PACS_ERR_SERIES_INCONSISTENT', `${paths.join(', ')}: expected a CT series, got ${s.modality}`, {
      field: 'Modality',
    });
  if (s.rows !== s.columns)
    throw pacsError(
      'PACS_ERR_SERIES_INCONSISTENT',
      `${paths.join(', ')}: expected square slices, got ${s.rows}x${s.columns}`,
      {
        field: 'Rows/Columns',
      },
    );
  const spacing = s.geometry.pixelSpacing?.[0];
  if (spacing === undefined)
    throw pacsError('PACS_ERR_SERIES_INCONSISTENT', `${paths.join(', ')}: expected PixelSpacing (0028,0030)`, {
      field: 'PixelSpacing',
    });
  const name = o.name ?? basename(paths[0]);
  const target = join(o.out, 'ct', name);
  const [a, b] = o.slices ?? [1, s.slices.length];
  if (b > s.slices.length)
    throw pacsError(
      'PACS_ERR_SERIES_INCONSISTENT',
      `${paths.join(', ')}: --slices ${a}-${b}: the series has ${s.slices.length} slices`,
    );
  const first = a - 1;
  const n = b - a + 1;
  const size = s.rows;
  const started = performance.now();
  await publish(target, async (tmp) => {
    const clean = new Int16Array(n * size * size);
    const noisy = o.doses.map(() => new Int16Array(n * size * size));
    for (let k = 0; k < n; k++) {
      const hu = (await seriesFrame(loaded, first + k)) as Float32Array;
      clean.set(i16(hu), k * size * size);
      o.doses.forEach((f, d) => {
        const seed = deriveSeed(o.seed, k * 1000 + Math.round(f * 1000));
        const low = simulateLowDose(hu, size, { doseFraction: f, pixelSizeMm: spacing, seed, mode: 'from-full-dose' });
        noisy[d].set(i16(low), k * size * size);
      });
      o.logger.info({ slice: k + 1, of: n }, 'training-data: slice simulated');
    }
    const files: Record<string, string> = { clean: 'clean.i16' };
    await writeFile(join(tmp, 'clean.i16'), clean);
    for (const [d, f] of o.doses.entries()) {
      files[doseKey(f)] = `${doseKey(f)}.i16`;
      await writeFile(join(tmp, `${doseKey(f)}.i16`), noisy[d]);
    }
    const meta = {
      format: TRAINING_DATA_FORMAT,
      kind: 'ct',
      name,
      sources: paths,
      seriesInstanceUid: s.seriesInstanceUid,
      slices: n,
      firstSlice: a,
      width: size,
      height: size,
      pixelSpacingMm: spacing,
      dtype: 'int16-le',
      units: 'HU',
      doses: o.doses,
      seed: o.seed,
      simulation: 'validation/lowdose simulateLowDose, mode from-full-dose',
      files,
    };
    await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
  });
  const secs = (performance.now() - started) / 1000;
  out.write(
    `ct ${name}: ${n} slices ${size}x${size}, doses ${o.doses.join(',')} in ${secs.toFixed(1)} s -> ${target}\n`,
  );
}

/** Exports one capsule clip as RGB24 frames plus its runs (from FRAMES.tsv beside it): training windows stay in a run. */
async function exportClip(file: string, o: TrainingDataOptions, out: NodeJS.WritableStream): Promise<void> {
  const table = await readFramesTsv(join(dirname(file), 'FRAMES.tsv'));
  const clip = table.clips.get(basename(file));
  if (!clip)
    throw pacsError(
      'PACS_ERR_FRAME_TABLE',
      `${join(dirname(file), 'FRAMES.tsv')}: expected rows for ${basename(file)}`,
      {
        field: 'file',
      },
    );
  const info = await probeVideo(file);
  const name = o.name ?? basename(file, '.mp4');
  const target = join(o.out, 'capsule', name);
  const frameBytes = info.width * info.height * 3;
  await publish(target, async (tmp) => {
    const all = new Uint8Array(clip.frameCount * frameBytes);
    let i = 0;
    for await (const rgb of decodeVideoFrames(file, info)) {
      if (i >= clip.frameCount) break;
      all.set(rgb, i * frameBytes);
      i++;
    }
    if (i !== clip.frameCount)
      throw pacsError('PACS_ERR_VIDEO', `${file}: expected ${clip.frameCount} frames (FRAMES.tsv), decoded ${i}`);
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
      officialSplit: clip.frames.map((f) => f.officialSplit),
      files: { frames: 'frames.u8' },
    };
    await writeFile(join(tmp, 'meta.json'), `${JSON.stringify(meta, null, 1)}\n`);
  });
  out.write(`capsule ${name}: ${clip.frameCount} frames, ${clip.runs.length} runs -> ${target}\n`);
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
  const clips = paths.filter((p) => p.toLowerCase().endsWith('.mp4'));
  if (clips.length > 0) {
    if (clips.length !== paths.length)
      throw pacsError(
        'PACS_ERR_SERIES_INCONSISTENT',
        'training-data: expected either CT series paths or .mp4 clips, not both',
      );
    for (const clip of clips) await exportClip(clip, { ...o, name: clips.length === 1 ? o.name : undefined }, out);
    return EXIT.OK;
  }
  await exportCt(paths, o, out);
  return EXIT.OK;
}
