import { checkFiniteSum, checkSeries, checkWindow } from './checkInputs.js';
import type { HuWindow } from './HuWindow.js';

const { sqrt } = Math;

/**
 * No-reference flicker: the RMS of adjacent-frame differences,
 * sqrt( 1/((K-1)·P) · Σ_k Σ_i (f[k+1]_i − f[k]_i)² ), after clamping to [win.low, win.high] when a window is given.
 * For a static scene this is √2 × the per-pixel temporal noise SD; compare a restored series with its input (a
 * lower value means less frame-to-frame fluctuation, which can also mean lost motion).
 * @param frames - K >= 2 frames of the same length P >= 1
 * @param win - optional window applied before differencing
 * @throws VAL_ERR_EMPTY_INPUT when there are fewer than 2 frames or the frames are empty
 * @throws VAL_ERR_SIZE_MISMATCH when the frame lengths differ
 * @throws VAL_ERR_BAD_OPTION when the window is not finite low < high
 * @throws VAL_ERR_BAD_INPUT when a frame holds NaN (or ±Infinity without a window)
 * @example temporalDifferenceEnergy(restoredFrames, { low: 0, high: 255, name: '8-bit' })
 */
export function temporalDifferenceEnergy(frames: readonly Float32Array[], win?: HuWindow): number {
  checkSeries('temporalDifferenceEnergy', frames, undefined, 'frames');
  if (win !== undefined) checkWindow('temporalDifferenceEnergy', win);
  const low = win === undefined ? -Infinity : win.low;
  const high = win === undefined ? Infinity : win.high;
  const pixels = frames[0].length;
  let sum = 0;
  for (let k = 0; k + 1 < frames.length; k++) {
    const f0 = frames[k];
    const f1 = frames[k + 1];
    for (let i = 0; i < pixels; i++) {
      const a0 = f0[i] < low ? low : f0[i] > high ? high : f0[i];
      const a1 = f1[i] < low ? low : f1[i] > high ? high : f1[i];
      const d = a1 - a0;
      sum += d * d;
    }
  }
  checkFiniteSum('temporalDifferenceEnergy', 'frames', sum);
  return sqrt(sum / ((frames.length - 1) * pixels));
}
