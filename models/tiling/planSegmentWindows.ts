import { modelError } from '../errors.js';
import { planWindows, type WindowPlan } from './planWindows.js';

/**
 * Plans k-frame windows that never span a segment boundary: each segment [start, next start) gets its own
 * `planWindows` plan, shifted to the segment's frames, so a window only ever mixes frames of one scene (a capsule
 * run). A segment shorter than k gets one window padded with its own last frame. The windows stay in frame order,
 * which is what `WindowBlender` needs to emit frames as they become final.
 * @param length - L, frames in the series (>= 1)
 * @param windowSize - k = rows·cols (>= 1)
 * @param stride - frames between window starts within a segment, in [1, k]
 * @param segmentStarts - frames that begin a new segment, increasing, each in [1, L) (0 is implied)
 * @throws MODEL_ERR_BAD_OPTION for a size, stride or segment start out of range
 * @example planSegmentWindows(20, 9, 6, [5]).windows.map((w) => w.start); // [0, 5, 11]
 */
export function planSegmentWindows(
  length: number,
  windowSize: number,
  stride: number,
  segmentStarts: readonly number[],
): WindowPlan {
  const starts = [0, ...segmentStarts];
  for (let s = 1; s < starts.length; s++) {
    const at = starts[s];
    if (!Number.isInteger(at) || at <= starts[s - 1] || at >= length) {
      throw modelError(
        'MODEL_ERR_BAD_OPTION',
        `planSegmentWindows: segmentStarts[${s - 1}]: expected an integer in (${starts[s - 1]}, ${length}), got ${at}`,
        { option: 'segmentStarts' },
      );
    }
  }
  const windows: WindowPlan['windows'][number][] = [];
  starts.forEach((first, s) => {
    const end = starts[s + 1] ?? length;
    for (const w of planWindows(end - first, windowSize, stride).windows) {
      windows.push({ ...w, index: windows.length, start: first + w.start, frames: w.frames.map((f) => first + f) });
    }
  });
  return { length, windowSize, stride, windows };
}
