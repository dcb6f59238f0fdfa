import { modelError } from '../errors.js';
import type { DdimSchedule } from './createDdimSchedule.js';

/**
 * The img2img start timestep matched to a noise level (issue "Step 12", item 1b; models/training/gsdiff/noise_level.py
 * is the training side and must agree). From a deterministic start z_t = sqrt(ᾱ_t) f_d, one DDIM step gives
 * x0 = f_d − sqrt((1 − ᾱ_t) / ᾱ_t) ε̂: t sets how large a correction one unit of predicted noise makes in model range
 * (times the latent SD, 1 / scaling_factor), and tells the U-Net how noisy the window is. Returns the smallest t in
 * [1, tMax] whose correction scale reaches `sigma`, or tMax when none does.
 * @throws MODEL_ERR_BAD_OPTION for a tMax outside the schedule or a non-finite sigma / latentStd
 */
export function matchedTimestep(schedule: DdimSchedule, sigma: number, latentStd: number, tMax: number): number {
  const acp = schedule.alphasCumprod;
  if (!(Number.isInteger(tMax) && tMax >= 1 && tMax < acp.length))
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `matchedTimestep: tMax: expected an integer in [1, ${acp.length - 1}], got ${tMax}`,
      {
        option: 'start_t_max',
      },
    );
  if (!(Number.isFinite(sigma) && sigma >= 0 && Number.isFinite(latentStd) && latentStd > 0))
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `matchedTimestep: expected a finite sigma >= 0 and latentStd > 0, got ${sigma}, ${latentStd}`,
      {
        option: 'start_timestep',
      },
    );
  for (let t = 1; t <= tMax; t++) {
    if (Math.sqrt((1 - acp[t]) / acp[t]) * latentStd >= sigma) return t;
  }
  return tMax;
}
