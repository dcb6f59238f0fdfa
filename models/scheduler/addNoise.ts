import { modelError } from '../errors.js';
import type { DdimSchedule } from './createDdimSchedule.js';

const sqrt = Math.sqrt;

/**
 * The forward process q(x_t | x₀) in closed form (Ho et al. 2020, eq. 4; diffusers `add_noise`):
 * x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε. Used to start an img2img run (strength < 1) at the first timestep
 * `setTimesteps` returns.
 * @param original - x₀ (e.g. the scaled latent of the degraded grid)
 * @param noise - ε ~ N(0, I), same length
 * @param timestep - t in [0, T)
 * @param schedule - from `createDdimSchedule`
 * @throws MODEL_ERR_BAD_OPTION for a timestep outside [0, T)
 * @throws MODEL_ERR_BAD_INPUT when the lengths differ
 * @example const start = addNoise(latent, gaussian(latent.length), setTimesteps(s, 20, 0.6)[0], s);
 */
export function addNoise(
  original: Float32Array,
  noise: Float32Array,
  timestep: number,
  schedule: DdimSchedule,
): Float32Array {
  const T = schedule.config.num_train_timesteps;
  if (!Number.isInteger(timestep) || timestep < 0 || timestep >= T)
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `addNoise: timestep: expected an integer in [0, ${T - 1}], got ${timestep}`,
      {
        option: 'timestep',
      },
    );
  if (noise.length !== original.length)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `addNoise: noise: expected ${original.length} values (the original's length), got ${noise.length}`,
      { input: 'noise' },
    );
  const a = schedule.alphasCumprod[timestep];
  const sa = sqrt(a);
  const sb = sqrt(1 - a);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = sa * original[i] + sb * noise[i];
  return out;
}
