import { modelError } from '../errors.js';
import type { DdimSchedule } from './createDdimSchedule.js';

const floor = Math.floor;
const round = Math.round;
const trunc = Math.trunc;

/** `np.round` for x >= 0: round half to even (banker's rounding), as numpy does. */
export function roundHalfEven(x: number): number {
  const r = round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The descending timesteps a DDIM run visits, with diffusers' exact spacing (`DDIMScheduler.set_timesteps`), then
 * cut for an img2img start as diffusers' pipelines do (`get_timesteps`): `init = min(⌊n·strength⌋, n)` and the
 * first `n − init` timesteps are skipped; at least one step always runs (diffusers would run none).
 *
 * With T = num_train_timesteps and n = numInferenceSteps:
 * - `leading`: t_i = i·⌊T/n⌋ + steps_offset, i = n−1..0 (SD 1.x configs: steps_offset 1 → 4 steps [751, 501, 251, 1])
 * - `trailing`: t_i = round_half_even(T − i·T/n) − 1, i = 0..n−1 (always starts at T − 1). numpy's `arange`
 *   sometimes yields n + 1 values here, the last one −1, which diffusers then uses as an index; this port always
 *   returns exactly n.
 * - `linspace`: round_half_even(linspace(0, T − 1, n)) reversed.
 *
 * @param schedule - from `createDdimSchedule`
 * @param numInferenceSteps - n, an integer in [1, T]
 * @param strength - fraction of the schedule to run, in (0, 1]; 1 starts from pure noise, less starts from a
 *   noised input (`addNoise` at the first returned timestep)
 * @returns the timesteps to visit, descending, frozen
 * @throws MODEL_ERR_BAD_OPTION for an impossible step count (0, fractional, > T, or a steps_offset that pushes a
 *   timestep past T − 1) or a strength outside (0, 1]
 * @example setTimesteps(createDdimSchedule(sdConfig), 4); // [751, 501, 251, 1]
 */
export function setTimesteps(schedule: DdimSchedule, numInferenceSteps: number, strength = 1): readonly number[] {
  const cfg = schedule.config;
  const T = cfg.num_train_timesteps;
  const n = numInferenceSteps;
  if (!Number.isInteger(n) || n < 1 || n > T)
    throw modelError('MODEL_ERR_BAD_OPTION', `setTimesteps: steps: expected an integer in [1, ${T}], got ${n}`, {
      option: 'steps',
    });
  if (!(typeof strength === 'number' && strength > 0 && strength <= 1))
    throw modelError('MODEL_ERR_BAD_OPTION', `setTimesteps: strength: expected a number in (0, 1], got ${strength}`, {
      option: 'strength',
    });

  const timesteps = new Array<number>(n);
  if (cfg.timestep_spacing === 'leading') {
    const ratio = floor(T / n);
    for (let i = 0; i < n; i++) timesteps[i] = (n - 1 - i) * ratio + cfg.steps_offset;
  } else if (cfg.timestep_spacing === 'trailing') {
    // np.arange(T, 0, -T/n) fills start + i·delta with delta = (start + step) − start.
    const delta = T + -(T / n) - T;
    for (let i = 0; i < n; i++) timesteps[i] = roundHalfEven(T + i * delta) - 1;
  } else {
    // np.linspace(0, T − 1, n): i·step + 0, last value set to the end point exactly.
    const step = n === 1 ? 0 : (T - 1) / (n - 1);
    for (let i = 0; i < n; i++) timesteps[n - 1 - i] = roundHalfEven(i === n - 1 && n > 1 ? T - 1 : i * step);
  }
  if (timesteps[0] > T - 1)
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `setTimesteps: steps: expected a count whose largest timestep (n-1)*floor(T/n) + steps_offset is <= ${T - 1}, ` +
        `got ${n} steps (largest ${timesteps[0]} with steps_offset ${cfg.steps_offset})`,
      { option: 'steps' },
    );

  // diffusers runs no step at all when n·strength < 1 and returns the noised input; we run the last one, so a
  // reader's small step count on a low-strength pack (gsdiff-s: strength 0.1) restores instead of failing or
  // doing nothing. Every n <= 1/strength then visits the same final timestep.
  const init = Math.max(1, Math.min(trunc(n * strength), n));
  return Object.freeze(timesteps.slice(n - init));
}
