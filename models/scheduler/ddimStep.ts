import { modelError } from '../errors.js';
import type { DdimSchedule } from './createDdimSchedule.js';

const sqrt = Math.sqrt;
const floor = Math.floor;

/** One DDIM update's inputs. Arrays are equal-length flat tensors (any shape, e.g. latent [B, C, h, w]). */
export interface DdimStepInput {
  /** The U-Net output at `timestep`: ε, v or x₀ according to the config's `prediction_type`. */
  readonly modelOutput: Float32Array;
  /** The current timestep t (one of `setTimesteps`' values). */
  readonly timestep: number;
  /** x_t, the current noisy sample. */
  readonly sample: Float32Array;
  /** z ~ N(0, I), same length as `sample`; required when eta > 0, ignored otherwise. */
  readonly noise?: Float32Array;
  /** η of Song et al. 2021 eq. 16: 0 is deterministic DDIM, 1 is DDPM-like ancestral sampling. */
  readonly eta: number;
  /** Re-derive ε from the clipped x₀ (diffusers' `use_clipped_model_output`, default false). */
  readonly useClippedModelOutput?: boolean;
}

/** One DDIM update's result (diffusers' `DDIMSchedulerOutput`). */
export interface DdimStepOutput {
  /** x_{t−Δ}, the sample for the next (lower) timestep. */
  readonly prevSample: Float32Array;
  /** x̂₀, the model's current estimate of the clean sample (after clipping when `clip_sample`). */
  readonly predOriginalSample: Float32Array;
}

/**
 * One reverse DDIM step (Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12), with diffusers'
 * `DDIMScheduler.step` semantics. Pure: the noise for η > 0 is passed in. With ᾱ the cumulative alphas:
 *
 * - prev = t − ⌊T / n⌋; ᾱ_prev = ᾱ[prev] if prev ≥ 0 else `finalAlphaCumprod`
 * - x̂₀ = (x_t − √(1−ᾱ_t) ε) / √ᾱ_t (epsilon); x̂₀ = √ᾱ_t x_t − √(1−ᾱ_t) v, ε = √ᾱ_t v + √(1−ᾱ_t) x_t
 *   (v_prediction, Salimans & Ho 2022 §4); x̂₀ = model output, ε = (x_t − √ᾱ_t x̂₀) / √(1−ᾱ_t) (sample)
 * - x̂₀ clipped to ±clip_sample_range when `clip_sample`
 * - σ_t = η √((1−ᾱ_prev)/(1−ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev) (eq. 16)
 * - x_prev = √ᾱ_prev x̂₀ + √(1 − ᾱ_prev − σ_t²) ε + σ_t z (eq. 12)
 *
 * @param input - model output, timestep, sample, noise, η
 * @param schedule - from `createDdimSchedule`
 * @param numInferenceSteps - n, the step count passed to `setTimesteps`
 * @throws MODEL_ERR_BAD_OPTION for a timestep outside [0, T), a bad step count or η < 0
 * @throws MODEL_ERR_BAD_INPUT when array lengths differ or noise is missing with η > 0
 * @example const { prevSample } = ddimStep({ modelOutput: eps, timestep: 751, sample: x, eta: 0 }, schedule, 4);
 */
export function ddimStep(input: DdimStepInput, schedule: DdimSchedule, numInferenceSteps: number): DdimStepOutput {
  const cfg = schedule.config;
  const T = cfg.num_train_timesteps;
  const { modelOutput, sample, noise, eta, timestep: t } = input;
  const bad = (option: string, expected: string, got: unknown): never => {
    throw modelError('MODEL_ERR_BAD_OPTION', `ddimStep: ${option}: expected ${expected}, got ${got}`, { option });
  };
  if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1 || numInferenceSteps > T)
    bad('steps', `an integer in [1, ${T}]`, numInferenceSteps);
  if (!Number.isInteger(t) || t < 0 || t >= T) bad('timestep', `an integer in [0, ${T - 1}]`, t);
  if (!(eta >= 0)) bad('eta', 'a number >= 0', eta);
  const len = sample.length;
  if (modelOutput.length !== len)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `ddimStep: modelOutput: expected ${len} values (the sample's length), got ${modelOutput.length}`,
      { input: 'modelOutput' },
    );
  if (eta > 0 && (noise === undefined || noise.length !== len))
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `ddimStep: noise: expected ${len} values when eta > 0, got ${noise === undefined ? 'none' : noise.length}`,
      { input: 'noise' },
    );

  // 1. previous timestep and the cumulative alphas at t and prev.
  const prev = t - floor(T / numInferenceSteps);
  const aT = schedule.alphasCumprod[t];
  const aPrev = prev >= 0 ? schedule.alphasCumprod[prev] : schedule.finalAlphaCumprod;
  const sqrtA = sqrt(aT);
  const sqrtB = sqrt(1 - aT);
  const sqrtAPrev = sqrt(aPrev);

  // 2. variance σ_t (eq. 16) and the direction coefficient √(1 − ᾱ_prev − σ_t²).
  const variance = ((1 - aPrev) / (1 - aT)) * (1 - aT / aPrev);
  const std = eta * sqrt(variance);
  const dirCoef = sqrt(1 - aPrev - std * std);

  const clip = cfg.clip_sample;
  const range = cfg.clip_sample_range;
  const recomputeEps = input.useClippedModelOutput === true;
  const kind = cfg.prediction_type;
  const x0Out = new Float32Array(len);
  const prevOut = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    const m = modelOutput[i];
    const x = sample[i];
    // 3. predicted x̂₀ and ε from the model output.
    let x0: number;
    let eps: number;
    if (kind === 'epsilon') {
      x0 = (x - sqrtB * m) / sqrtA;
      eps = m;
    } else if (kind === 'v_prediction') {
      x0 = sqrtA * x - sqrtB * m;
      eps = sqrtA * m + sqrtB * x;
    } else {
      x0 = m;
      eps = (x - sqrtA * x0) / sqrtB;
    }
    // 4. clip x̂₀.
    if (clip) x0 = x0 < -range ? -range : x0 > range ? range : x0;
    if (recomputeEps) eps = (x - sqrtA * x0) / sqrtB;
    // 5. x_prev = √ᾱ_prev x̂₀ + √(1 − ᾱ_prev − σ²) ε (+ σ z).
    let xPrev = sqrtAPrev * x0 + dirCoef * eps;
    if (eta > 0) xPrev += std * (noise as Float32Array)[i];
    x0Out[i] = x0;
    prevOut[i] = xPrev;
  }
  return { prevSample: prevOut, predOriginalSample: x0Out };
}
