import { validationError } from '../errors.js';
import type { HuWindow } from './HuWindow.js';
import type { Roi } from './Roi.js';

// Argument checks shared by the metric functions. Every message begins with the function name and reads
// "<fn>: <argument>: expected X, got Y"; details name the argument.

/** Throws VAL_ERR_BAD_OPTION unless `value` is an integer >= min. */
export function checkInteger(fn: string, option: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) {
    throw validationError('VAL_ERR_BAD_OPTION', `${fn}: ${option}: expected an integer >= ${min}, got ${value}`, {
      option,
    });
  }
}

/** Throws VAL_ERR_BAD_OPTION unless `value` is finite and > 0. */
export function checkPositive(fn: string, option: string, value: number): void {
  if (!(value > 0 && Number.isFinite(value))) {
    throw validationError('VAL_ERR_BAD_OPTION', `${fn}: ${option}: expected a finite value > 0, got ${value}`, {
      option,
    });
  }
}

/** Throws VAL_ERR_EMPTY_INPUT when `array` has no element. */
export function checkNotEmpty(fn: string, what: string, array: ArrayLike<unknown>): void {
  if (array.length === 0) {
    throw validationError('VAL_ERR_EMPTY_INPUT', `${fn}: ${what}: expected at least one element, got none`, {
      array: what,
    });
  }
}

/** Throws VAL_ERR_SIZE_MISMATCH unless `array.length === expected`. */
export function checkLength(fn: string, what: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) {
    throw validationError('VAL_ERR_SIZE_MISMATCH', `${fn}: ${what}: expected length ${expected}, got ${array.length}`, {
      array: what,
      expected,
      got: array.length,
    });
  }
}

/** Checks width and height (integers >= 1) and that `image` holds width * height values. */
export function checkImage(fn: string, what: string, image: Float32Array, width: number, height: number): void {
  checkInteger(fn, 'width', width, 1);
  checkInteger(fn, 'height', height, 1);
  checkLength(fn, what, image, width * height);
}

/** Checks a reference/test pair: neither empty, same length, and an optional mask of that length. */
export function checkPair(fn: string, ref: Float32Array, test: Float32Array, mask: Uint8Array | undefined): void {
  checkNotEmpty(fn, 'ref', ref);
  checkLength(fn, 'test', test, ref.length);
  if (mask !== undefined) checkLength(fn, 'mask', mask, ref.length);
}

/** Throws VAL_ERR_BAD_OPTION unless low and high are finite and low < high. */
export function checkWindow(fn: string, win: HuWindow): void {
  if (!(Number.isFinite(win.low) && Number.isFinite(win.high) && win.low < win.high)) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `${fn}: win: expected finite low < high, got [${win.low}, ${win.high}] (${win.name})`,
      { option: 'win' },
    );
  }
}

/** Throws VAL_ERR_BAD_ROI unless the ROI has integer bounds, a non-empty size and lies fully inside the image. */
export function checkRoi(fn: string, what: string, roi: Roi, width: number, height: number): void {
  const { x, y, width: w, height: h } = roi;
  const integers = Number.isInteger(x) && Number.isInteger(y) && Number.isInteger(w) && Number.isInteger(h);
  if (!integers || w < 1 || h < 1 || x < 0 || y < 0 || x + w > width || y + h > height) {
    throw validationError(
      'VAL_ERR_BAD_ROI',
      `${fn}: ${what}: expected integer x, y >= 0, width, height >= 1 inside the ${width}x${height} image, ` +
        `got x=${x} y=${y} width=${w} height=${h}`,
      { roi: what, x, y, width: w, height: h },
    );
  }
}

/** Throws VAL_ERR_BAD_INPUT when an accumulated sum is not finite (the inputs held NaN or ±Infinity). */
export function checkFiniteSum(fn: string, what: string, sum: number): void {
  if (!Number.isFinite(sum)) {
    throw validationError('VAL_ERR_BAD_INPUT', `${fn}: ${what}: expected finite values, got NaN or Infinity`, {
      array: what,
    });
  }
}

/** Throws VAL_ERR_EMPTY_INPUT when a mask selected no pixel (or window position). */
export function checkSelected(fn: string, count: number, what = 'mask'): void {
  if (count === 0) {
    throw validationError('VAL_ERR_EMPTY_INPUT', `${fn}: ${what}: expected at least one selected pixel, got none`, {
      array: what,
    });
  }
}

/**
 * Checks two frame series (or one when `reference` is undefined): at least two frames, every frame non-empty and of
 * the first frame's length, and the same number of frames in both.
 */
export function checkSeries(
  fn: string,
  output: readonly Float32Array[],
  reference: readonly Float32Array[] | undefined,
  outputName = 'output',
): void {
  if (output.length < 2) {
    throw validationError(
      'VAL_ERR_EMPTY_INPUT',
      `${fn}: ${outputName}: expected at least 2 frames, got ${output.length}`,
      { array: outputName, got: output.length },
    );
  }
  const pixels = output[0].length;
  checkNotEmpty(fn, `${outputName}[0]`, output[0]);
  output.forEach((frame, k) => checkLength(fn, `${outputName}[${k}]`, frame, pixels));
  if (reference === undefined) return;
  if (reference.length !== output.length) {
    throw validationError(
      'VAL_ERR_SIZE_MISMATCH',
      `${fn}: reference: expected ${output.length} frames (as many as ${outputName}), got ${reference.length}`,
      { array: 'reference', expected: output.length, got: reference.length },
    );
  }
  reference.forEach((frame, k) => checkLength(fn, `reference[${k}]`, frame, pixels));
}
