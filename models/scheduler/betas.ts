import type { DdimConfig } from './DdimConfig.js';

const cos = Math.cos;
const sqrt = Math.sqrt;
const min = Math.min;

/**
 * `torch.linspace(start, end, n)` in float64: n evenly spaced values, both ends included.
 * @param start - first value
 * @param end - last value
 * @param n - count (>= 1; n = 1 gives [start])
 */
export function linspace(start: number, end: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (end - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = start + step * i;
  out[n - 1] = end;
  return out;
}

/**
 * The betas β_1..β_T of a DDIM config, as diffusers builds them (`DDIMScheduler.__init__`):
 * - `linear`: β_i = linspace(β_start, β_end, T) (Ho et al. 2020, §4)
 * - `scaled_linear`: β_i = linspace(√β_start, √β_end, T)² (the Stable Diffusion / LDM schedule)
 * - `squaredcos_cap_v2`: β_i = min(1 − ᾱ(t_{i+1}) / ᾱ(t_i), 0.999), ᾱ(t) = cos²((t + 0.008) / 1.008 · π/2),
 *   t_i = i / T (Nichol & Dhariwal 2021, eq. 17)
 * - `trained_betas`, when given, are used as they are.
 * Then, with `rescale_betas_zero_snr`, {@link rescaleZeroTerminalSnr}.
 * diffusers computes in float32; this port in float64 (differences ≈ 1e-7 relative).
 * @param config - a validated DDIM config
 */
export function makeBetas(config: DdimConfig): Float64Array {
  const T = config.num_train_timesteps;
  let betas: Float64Array;
  if (config.trained_betas !== null) {
    betas = Float64Array.from(config.trained_betas);
  } else if (config.beta_schedule === 'linear') {
    betas = linspace(config.beta_start, config.beta_end, T);
  } else if (config.beta_schedule === 'scaled_linear') {
    betas = linspace(sqrt(config.beta_start), sqrt(config.beta_end), T);
    for (let i = 0; i < T; i++) betas[i] = betas[i] * betas[i];
  } else {
    const alphaBar = (t: number): number => cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    betas = new Float64Array(T);
    for (let i = 0; i < T; i++) betas[i] = min(1 - alphaBar((i + 1) / T) / alphaBar(i / T), 0.999);
  }
  return config.rescale_betas_zero_snr ? rescaleZeroTerminalSnr(betas) : betas;
}

/**
 * Rescales betas so the last timestep has zero signal-to-noise ratio (Lin et al. 2024, "Common Diffusion Noise
 * Schedules and Sample Steps are Flawed", Algorithm 1): shift √ᾱ so √ᾱ_T = 0, scale so √ᾱ_1 is unchanged, then
 * recover β_i = 1 − ᾱ_i / ᾱ_{i−1}. Mirrors diffusers' `rescale_zero_terminal_snr`.
 * @param betas - β_1..β_T
 */
export function rescaleZeroTerminalSnr(betas: Float64Array): Float64Array {
  const n = betas.length;
  const sqrtBar = new Float64Array(n);
  let prod = 1;
  for (let i = 0; i < n; i++) {
    prod *= 1 - betas[i];
    sqrtBar[i] = sqrt(prod);
  }
  const first = sqrtBar[0];
  const last = sqrtBar[n - 1];
  const out = new Float64Array(n);
  let prevBar = 1;
  for (let i = 0; i < n; i++) {
    const s = ((sqrtBar[i] - last) * first) / (first - last);
    const bar = s * s;
    out[i] = i === 0 ? 1 - bar : 1 - bar / prevBar;
    prevBar = bar;
  }
  return out;
}
