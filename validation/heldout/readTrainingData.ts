import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validationError } from '../errors.js';

/** A CT series exported by `gsdiff training-data`: full-dose slices and simulated low-dose versions, in HU. */
export interface HeldOutCt {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly pixelSpacingMm: number;
  readonly slices: number;
  readonly doses: readonly number[];
  /** Full-dose slice i (HU). */
  clean(i: number): Float32Array;
  /** Simulated slice i at dose fraction f (HU). */
  noisy(f: number, i: number): Float32Array;
}

/** A capsule evaluation clip: sharp reference frames and their degraded versions (RGB24). */
export interface HeldOutClip {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
  sharp(i: number): Uint8Array;
  degraded(i: number): Uint8Array;
}

async function readMeta(
  folder: string,
  kind: string,
  formats: readonly number[] = [1],
): Promise<Record<string, unknown>> {
  const file = join(folder, 'meta.json');
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw validationError(
      'VAL_ERR_BAD_DATA',
      `${file}: expected the meta.json of a training-data export (${String(e)})`,
      {
        file,
      },
    );
  }
  if (!formats.includes(meta.format as number) || meta.kind !== kind)
    throw validationError(
      'VAL_ERR_BAD_DATA',
      `${file}: expected format ${formats.join(' or ')} kind "${kind}", got ${String(meta.format)} "${String(meta.kind)}"`,
      { file, field: 'kind' },
    );
  return meta;
}

async function readExact(file: string, bytes: number): Promise<Buffer> {
  const buf = await readFile(file);
  if (buf.length !== bytes)
    throw validationError('VAL_ERR_BAD_DATA', `${file}: expected ${bytes} bytes, got ${buf.length}`, { file });
  return buf;
}

function int16Slices(buf: Buffer, n: number, size: number): (i: number) => Float32Array {
  const view = new Int16Array(buf.buffer, buf.byteOffset, n * size);
  return (i) => Float32Array.from(view.subarray(i * size, (i + 1) * size));
}

/**
 * Reads `<root>/ct/<name>` (little-endian int16 HU): format 2 (meta.json realisations; the fixed-dose ones of an
 * evaluation export, one slice thickness) or format 1 (clean.i16 + doseNNNN.i16).
 */
export async function readHeldOutCt(root: string, name: string): Promise<HeldOutCt> {
  const folder = join(root, 'ct', name);
  const meta = await readMeta(folder, 'ct', [1, 2]);
  const n = meta.slices as number;
  const w = meta.width as number;
  const h = meta.height as number;
  const size = w * h;
  const noisy = new Map<number, (i: number) => Float32Array>();
  let cleanFile: string;
  if (meta.format === 2) {
    const realisations = (
      meta.realisations as {
        doseFraction: number;
        thicknessSlices: number;
        slices: number;
        files: { clean: string; noisy: string };
      }[]
    ).filter((r) => r.thicknessSlices === 1 && r.slices === n);
    if (realisations.length === 0)
      throw validationError('VAL_ERR_BAD_DATA', `${folder}/meta.json: expected a realisation at the stored thickness`, {
        file: `${folder}/meta.json`,
        field: 'realisations',
      });
    cleanFile = realisations[0].files.clean;
    for (const r of realisations) {
      noisy.set(r.doseFraction, int16Slices(await readExact(join(folder, r.files.noisy), n * size * 2), n, size));
    }
  } else {
    const files = meta.files as Record<string, string>;
    cleanFile = files.clean;
    for (const f of meta.doses as number[]) {
      const key = `dose${String(Math.round(f * 1000)).padStart(4, '0')}`;
      noisy.set(f, int16Slices(await readExact(join(folder, files[key]), n * size * 2), n, size));
    }
  }
  const doses = [...noisy.keys()];
  const clean = int16Slices(await readExact(join(folder, cleanFile), n * size * 2), n, size);
  return {
    name,
    width: w,
    height: h,
    pixelSpacingMm: meta.pixelSpacingMm as number,
    slices: n,
    doses,
    clean,
    noisy(f, i) {
      const get = noisy.get(f);
      if (!get)
        throw validationError(
          'VAL_ERR_BAD_OPTION',
          `${folder}: dose ${f} not exported: expected one of ${doses.join(', ')}`,
          {
            option: 'dose',
          },
        );
      return get(i);
    },
  };
}

/** Reads `<root>/eval/<name>` written by models/training/make_eval_clip.py (sharp.u8 + degraded.u8, RGB24). */
export async function readHeldOutClip(root: string, name: string): Promise<HeldOutClip> {
  const folder = join(root, 'eval', name);
  const meta = await readMeta(folder, 'rgb-eval');
  const n = meta.frames as number;
  const w = meta.width as number;
  const h = meta.height as number;
  const size = w * h * 3;
  const sharp = await readExact(join(folder, 'sharp.u8'), n * size);
  const degraded = await readExact(join(folder, 'degraded.u8'), n * size);
  const frame = (buf: Buffer, i: number): Uint8Array => new Uint8Array(buf.subarray(i * size, (i + 1) * size));
  return {
    name,
    width: w,
    height: h,
    frames: n,
    sharp: (i) => frame(sharp, i),
    degraded: (i) => frame(degraded, i),
  };
}
