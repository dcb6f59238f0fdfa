import { spliceGrid, unspliceGrid } from '../grid/index.js';
import type { GsdiffPack } from '../pack/loadPack.js';
import { addNoise, ddimStep, matchedTimestep, setTimesteps, type DdimSchedule } from '../scheduler/index.js';
import { estimateWindowNoise } from '../degradation/estimateWindowNoise.js';
import { modelError } from '../errors.js';
import { encodeGuidance } from './encodeGuidance.js';
import { predictNoise } from './predictNoise.js';
import { refineTail } from './refineTail.js';
import { emptyTimings, type StageTimings } from './StageTimings.js';
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
  /**
   * One step to x̂₀ from this start timestep instead of the steps/strength schedule: a number, or 'matched' for the
   * timestep matched to the window's estimated noise (matchedTimestep, up to startTMax): the path the joint stage
   * trains (models/training/gsdiff/noise_level.py). The decoded latent is then x̂₀ itself, as in training.
   */
  readonly startTimestep?: number | 'matched';
  /** The largest matched start timestep (model_index defaults.start_t_max); default 25. */
  readonly startTMax?: number;
  readonly noise: NoiseSource;
  readonly signal?: AbortSignal;
}

/** One window of `restoreWindow`: k = rows*cols frames of one tile size, in model range [3, H, W]. */
export interface RestoreWindowOptions {
  readonly pack: GsdiffPack;
  readonly frames: readonly Float32Array[];
  readonly height: number;
  readonly width: number;
  /** The text branch's output for the series' prompt (encodeText), computed once per series. */
  readonly textEmbeds: Float32Array;
  readonly sampling: SamplingOptions;
  /**
   * The paper-style ablation (docs/RESULTS.md): 'trn-only' gives V_r = T(V_d) (no diffusion branch), 'diffusion-only'
   * gives V_r = D_V (no TRN). Default 'full'.
   */
  readonly branches?: Branches;
  /**
   * False: the window's result is the diffusion branch's correction D_V - V_d alone, and the caller adds T(V_d) per
   * frame (the per-frame TRN, refineFrame). Default true. Ignored for 'diffusion-only' (D_V, no TRN).
   */
  readonly refine?: boolean;
}

export type Branches = 'full' | 'trn-only' | 'diffusion-only';

/** The k restored frames (model range, same order) and the milliseconds each stage took on this window. */
export interface RestoredWindow {
  readonly restored: Float32Array[];
  readonly timings: StageTimings;
}

/**
 * The full GSDiff pipeline on one window of k = rows*cols frames of the pack's tile size, in model range [3, H, W]:
 * Z_d from the CLIP dual branch and the extractor; the frames spliced into one grid (cell (i, j) = frame i*cols + j)
 * and VAE-encoded as f_d; DDIM sampling with the DPM's residuals in the U-Net; VAE decode; un-splice; TRN;
 * V_r = (D_V - V_d) + T(V_d). Returns the k restored frames, model range, and this window's stage timings.
 * @throws MODEL_ERR_BAD_INPUT, MODEL_ERR_CANCELLED
 * @example const { restored, timings } = await restoreWindow({ pack, frames, height: 32, width: 32, textEmbeds, sampling });
 */
export async function restoreWindow(input: RestoreWindowOptions): Promise<RestoredWindow> {
  const { pack, frames, height, width, textEmbeds, sampling: o } = input;
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
  const timings = emptyTimings();
  const branches = input.branches ?? 'full';
  let t0 = performance.now();
  if (branches === 'trn-only') {
    // D_V = V_d: the diffusion branch's correction (D_V - V_d) is zero
    const restored = await refineTail(pack, frames, frames, height, width);
    timings.refine += performance.now() - t0;
    return { restored, timings };
  }
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
  const n = fD.length;
  let z: Float32Array;
  if (o.startTimestep !== undefined) {
    const t =
      o.startTimestep === 'matched'
        ? matchedTimestep(
            o.schedule,
            estimateWindowNoise(frames, height, width),
            1 / pack.index.latent.scaling_factor,
            o.startTMax ?? 25,
          )
        : o.startTimestep;
    const zt = addNoise(fD, scaled(o.noise(n), o.startNoise ?? 1), t, o.schedule);
    cancelled();
    const eps = await predictNoise(pack, zt, fD, t, guidance, dims);
    z = ddimStep({ modelOutput: eps, timestep: t, sample: zt, eta: 0 }, o.schedule, o.steps).predOriginalSample;
  } else {
    const timesteps = setTimesteps(o.schedule, o.steps, o.strength);
    z = o.strength >= 1 ? o.noise(n) : addNoise(fD, scaled(o.noise(n), o.startNoise ?? 1), timesteps[0], o.schedule);
    for (const t of timesteps) {
      cancelled();
      const eps = await predictNoise(pack, z, fD, t, guidance, dims);
      z = ddimStep(
        { modelOutput: eps, timestep: t, sample: z, eta: o.eta, noise: o.eta > 0 ? o.noise(n) : undefined },
        o.schedule,
        o.steps,
      ).prevSample;
    }
  }
  tick('denoise');
  const decoded = unspliceGrid(await vaeDecode(pack, z, h, w), rows, cols, 3, height, width);
  tick('vaeDecode');
  if (branches === 'diffusion-only') return { restored: decoded, timings };
  if (input.refine === false) return { restored: decoded.map((dv, i) => subtract(dv, frames[i])), timings };
  const restored = await refineTail(pack, frames, decoded, height, width);
  tick('refine');
  return { restored, timings };
}

function subtract(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

function scaled(noise: Float32Array, s: number): Float32Array {
  if (s === 1) return noise;
  for (let i = 0; i < noise.length; i++) noise[i] *= s;
  return noise;
}
