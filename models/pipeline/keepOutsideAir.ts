import type { TilePlan } from '../tiling/index.js';
import { outsideAirWeights } from '../tiling/index.js';
import type { ModelFrame } from './ModelFrames.js';

/**
 * Fades a CT frame's blended restoration out in the air outside the patient (outsideAirWeights says why): V_r
 * becomes V_d + w·(V_r − V_d), V_d itself where w = 0 so the delta rule passes those pixels through bit for bit.
 * Pixels with w = 1 are not touched, so a frame without air tiles comes back as it was.
 * @param restored - V_r, [3, H, W] model range, after window and tile blending; changed in place
 * @param frame - the frame's V_d and original HU
 * @param plan - the tile plan of the frame
 * @returns `restored`
 */
export function keepOutsideAir(restored: Float32Array, frame: ModelFrame, plan: TilePlan): Float32Array {
  const w = outsideAirWeights(frame.original as Float32Array, plan);
  if (w === undefined) return restored;
  const n = w.length;
  const v = frame.model;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (wi === 1) continue;
    for (let c = i; c < 3 * n; c += n) restored[c] = wi === 0 ? v[c] : v[c] + wi * (restored[c] - v[c]);
  }
  return restored;
}
