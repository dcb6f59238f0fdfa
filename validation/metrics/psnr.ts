import { checkFiniteSum, checkPair, checkSelected, checkWindow } from './checkInputs.js';
import type { HuWindow } from './HuWindow.js';

const { log10 } = Math;

/**
 * Peak signal-to-noise ratio in a window: both images are clamped to [win.low, win.high], then
 * PSNR = 10·log10(L² / MSE) dB with L = win.high - win.low and MSE the mean of (test - ref)² over the pixels
 * (those with mask ≠ 0 when a mask is given). Identical windowed images give Infinity.
 * Layout-free: any row-major single-channel image, or interleaved RGB with a range window such as [0, 255].
 * @param ref - reference image (HU for CT)
 * @param test - image under test, same length
 * @param win - window; its width is the data range (e.g. `HU_WINDOWS.metric`, L = 400)
 * @param mask - optional, same length; pixels with a non-zero value are measured
 * @returns PSNR in dB
 * @throws VAL_ERR_EMPTY_INPUT when ref is empty or the mask selects nothing
 * @throws VAL_ERR_SIZE_MISMATCH when test or mask differ in length from ref
 * @throws VAL_ERR_BAD_OPTION when the window is not finite with low < high
 * @throws VAL_ERR_BAD_INPUT when an image holds NaN
 * @example psnr(fullDose, restored, HU_WINDOWS.metric)
 */
export function psnr(ref: Float32Array, test: Float32Array, win: HuWindow, mask?: Uint8Array): number {
  checkPair('psnr', ref, test, mask);
  checkWindow('psnr', win);
  const { low, high } = win;
  const n = ref.length;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    const r = ref[i];
    const t = test[i];
    const rc = r < low ? low : r > high ? high : r;
    const tc = t < low ? low : t > high ? high : t;
    const d = tc - rc;
    sum += d * d;
    count++;
  }
  checkSelected('psnr', count);
  checkFiniteSum('psnr', 'ref/test', sum);
  if (sum === 0) return Infinity;
  const range = high - low;
  return 10 * log10((range * range) / (sum / count));
}
