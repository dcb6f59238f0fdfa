import { modelError } from '../errors.js';
import { planAxis } from './planAxis.js';

/** One k-frame window of a series, ready to be spliced into a grid. */
export interface SeriesWindow {
  /** Position in the plan, 0-based. */
  readonly index: number;
  /** First series frame the window covers. */
  readonly start: number;
  /** Per slot (k of them), the series frame it holds. */
  readonly frames: readonly number[];
  /** Per slot, true when the slot repeats an edge frame to fill a series shorter than k (its output is dropped). */
  readonly padding: readonly boolean[];
  /** Per slot, the blending weight (> 0) of this window's output for that frame. */
  readonly weights: Float64Array;
}

/** Overlapping windows covering a series of `length` frames. */
export interface WindowPlan {
  readonly length: number;
  /** k = rows·cols. */
  readonly windowSize: number;
  readonly stride: number;
  readonly windows: readonly SeriesWindow[];
}

/**
 * Plans k-frame windows along a series (z for CT, time for video): starts 0, stride, 2·stride…, the last window
 * aligned to the series end, so every frame is covered and restored in context. A series shorter than k gets one
 * window padded by repeating its last frame (`padding` marks those slots). Blending weights ramp linearly over each
 * overlap ({@link rampWeights}); `WindowBlender` normalises them.
 * @param length - L, frames in the series (>= 1)
 * @param windowSize - k = rows·cols (>= 1)
 * @param stride - frames between window starts, in [1, k] (pack default `window_stride`, e.g. 6 for 3x3)
 * @throws MODEL_ERR_BAD_OPTION for a size or stride out of range
 * @example planWindows(20, 9, 6).windows.map((w) => w.start); // [0, 6, 11]
 */
export function planWindows(length: number, windowSize: number, stride: number): WindowPlan {
  const bad = (option: string, expected: string, got: number): never => {
    throw modelError('MODEL_ERR_BAD_OPTION', `planWindows: ${option}: expected ${expected}, got ${got}`, { option });
  };
  if (!Number.isInteger(length) || length < 1) bad('length', 'an integer >= 1', length);
  if (!Number.isInteger(windowSize) || windowSize < 1) bad('windowSize', 'an integer >= 1', windowSize);
  if (!Number.isInteger(stride) || stride < 1 || stride > windowSize)
    bad('stride', `an integer in [1, ${windowSize}] (the window size)`, stride);

  if (length <= windowSize) {
    const frames = Array.from({ length: windowSize }, (_, p) => Math.min(p, length - 1));
    const padding = frames.map((_, p) => p >= length);
    return {
      length,
      windowSize,
      stride,
      windows: [{ index: 0, start: 0, frames, padding, weights: new Float64Array(windowSize).fill(1) }],
    };
  }
  const axis = planAxis(length, windowSize, stride);
  const windows = axis.starts.map((start, index) => ({
    index,
    start,
    frames: Array.from({ length: windowSize }, (_, p) => start + p),
    padding: new Array<boolean>(windowSize).fill(false),
    weights: axis.weights[index],
  }));
  return { length, windowSize, stride, windows };
}
