import { checkFiniteSum, checkSeries, checkWindow } from './checkInputs.js';
import type { HuWindow } from './HuWindow.js';

const { sqrt } = Math;

/**
 * Inter-slice / inter-frame consistency of an output series against its reference: the RMS, over adjacent frame
 * pairs k = 0..K-2 and all pixels i, of the difference of temporal differences
 *
 *   flicker = sqrt( 1/((K-1)·P) · Σ_k Σ_i ((o[k+1]_i − o[k]_i) − (r[k+1]_i − r[k]_i))² ),
 *
 * in the images' units (HU), after clamping every frame to [win.low, win.high] when a window is given. 0 when the
 * output changes from frame to frame exactly as the reference does (e.g. output = reference + a constant); lower is
 * better. A per-frame offset c_k (o[k] = r[k] + c_k) gives sqrt(mean_k (c_{k+1} − c_k)²).
 * @param output - K >= 2 frames (restored series), all of the same length P >= 1
 * @param reference - K frames of length P (full-dose or original series)
 * @param win - optional window applied to both series before differencing
 * @throws VAL_ERR_EMPTY_INPUT when output has fewer than 2 frames or the frames are empty
 * @throws VAL_ERR_SIZE_MISMATCH when the frame counts or frame lengths differ
 * @throws VAL_ERR_BAD_OPTION when the window is not finite low < high
 * @throws VAL_ERR_BAD_INPUT when a frame holds NaN (or ±Infinity without a window)
 * @example flicker(restoredSlices, fullDoseSlices, HU_WINDOWS.metric)
 */
export function flicker(output: readonly Float32Array[], reference: readonly Float32Array[], win?: HuWindow): number {
  checkSeries('flicker', output, reference);
  if (win !== undefined) checkWindow('flicker', win);
  const low = win === undefined ? -Infinity : win.low;
  const high = win === undefined ? Infinity : win.high;
  const pixels = output[0].length;
  let sum = 0;
  for (let k = 0; k + 1 < output.length; k++) {
    const o0 = output[k];
    const o1 = output[k + 1];
    const r0 = reference[k];
    const r1 = reference[k + 1];
    for (let i = 0; i < pixels; i++) {
      const a0 = o0[i] < low ? low : o0[i] > high ? high : o0[i];
      const a1 = o1[i] < low ? low : o1[i] > high ? high : o1[i];
      const b0 = r0[i] < low ? low : r0[i] > high ? high : r0[i];
      const b1 = r1[i] < low ? low : r1[i] > high ? high : r1[i];
      const d = a1 - a0 - (b1 - b0);
      sum += d * d;
    }
  }
  checkFiniteSum('flicker', 'output/reference', sum);
  return sqrt(sum / ((output.length - 1) * pixels));
}
