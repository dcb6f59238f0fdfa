import { spliceGrid, unspliceGrid } from '../grid/index.js';
import type { GsdiffPack } from '../pack/loadPack.js';
import { addNoise, ddimStep, setTimesteps, type DdimSchedule } from '../scheduler/index.js';
import { modelError } from '../errors.js';
import { encodeGuidance } from './encodeGuidance.js';
import { predictNoise } from './predictNoise.js';
import { refineTail } from './refineTail.js';
import { vaeDecode, vaeEncode } from './vae.js';

/** Standard normal samples, `count` of them: injected so sampling is reproducible and testable. */
export type NoiseSource = (count: number) => Float32Array;

export interface SamplingOptions {
  readonly schedule: DdimSchedule;
  readonly steps: number;
  /** 1 starts from pure noise (the paper); below 1 starts from the noised degraded latent (img2img). */
  readonly strength: number;
  readonly eta: number;
  /** Scale of the noise drawn into an img2img start (model_index defaults.start_noise); default 1. */
  readonly startNoise?: number;
  readonly noise: NoiseSource;
  readonly signal?: AbortSignal;
}

/** Milliseconds spent per stage, accumulated over windows and tiles. */
export interface StageTimings {
  guidance: number;
  vaeEncode: number;
  denoise: number;
  vaeDecode: number;
  refine: number;
}

export function emptyTimings(): StageTimings {
  return { guidance: 0, vaeEncode: 0, denoise: 0, vaeDecode: 0, refine: 0 };
}

/**
 * The full GSDiff pipeline on one window of k = rows*cols frames of the pack's tile size, in model range [3, H, W]:
 * Z_d from the CLIP dual branch and the extractor; the frames spliced into one grid (cell (i, j) = frame i*cols + j)
 * and VAE-encoded as f_d; DDIM sampling with the DPM's residuals in the U-Net; VAE decode; un-splice; TRN;
 * V_r = (D_V - V_d) + T(V_d). Returns the k restored frames, model range.
 * @throws MODEL_ERR_BAD_INPUT, MODEL_ERR_CANCELLED
 */
export async function restoreWindow(
  pack: GsdiffPack,
  frames: readonly Float32Array[],
  height: number,
  width: number,
  textEmbeds: Float32Array,
  o: SamplingOptions,
  timings: StageTimings,
): Promise<Float32Array[]> {
  const { rows, cols } = pack.index.grid;
  const f = pack.index.latent.downscale;
  const k = rows * cols;
  if (frames.length !== k || frames.some((x) => x.length !== 3 * height * width)) {
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `restoreWindow: expected ${k} frames of 3x${height}x${width}, got ${frames.length}`,
      {
        stage: 'window',
      },
    );
  }
  const cancelled = (): void => {
    if (o.signal?.aborted) throw modelError('MODEL_ERR_CANCELLED', 'restoration cancelled', { stage: 'sampling' });
  };
  let t0 = performance.now();
  const guidance = await encodeGuidance(pack, frames, height, width, textEmbeds);
  const tick = (stage: keyof StageTimings): void => {
    const now = performance.now();
    timings[stage] += now - t0;
    t0 = now;
  };
  tick('guidance');
  const gh = height * rows;
  const gw = width * cols;
  const grid = spliceGrid(frames, rows, cols, 3, height, width);
  const fD = await vaeEncode(pack, grid, gh, gw);
  tick('vaeEncode');
  const h = gh / f;
  const w = gw / f;
  const dims = [1, pack.index.latent.channels, h, w];
  const timesteps = setTimesteps(o.schedule, o.steps, o.strength);
  const n = fD.length;
  let z = o.strength >= 1 ? o.noise(n) : addNoise(fD, scaled(o.noise(n), o.startNoise ?? 1), timesteps[0], o.schedule);
  for (const t of timesteps) {
    cancelled();
    const eps = await predictNoise(pack, z, fD, t, guidance, dims);
    z = ddimStep(
      { modelOutput: eps, timestep: t, sample: z, eta: o.eta, noise: o.eta > 0 ? o.noise(n) : undefined },
      o.schedule,
      o.steps,
    ).prevSample;
  }
  tick('denoise');
  const decoded = unspliceGrid(await vaeDecode(pack, z, h, w), rows, cols, 3, height, width);
  tick('vaeDecode');
  const restored = await refineTail(pack, frames, decoded, height, width);
  tick('refine');
  return restored;
}

function scaled(noise: Float32Array, s: number): Float32Array {
  if (s === 1) return noise;
  for (let i = 0; i < noise.length; i++) noise[i] *= s;
  return noise;
}
