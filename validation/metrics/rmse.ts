import { checkFiniteSum, checkPair, checkSelected } from './checkInputs.js';

const { sqrt } = Math;

/**
 * Root-mean-square error in the images' own units (HU for CT), without windowing:
 * RMSE = sqrt(mean((test - ref)²)) over all pixels, or those with mask ≠ 0.
 * @param ref - reference image
 * @param test - image under test, same length
 * @param mask - optional, same length; pixels with a non-zero value are measured
 * @throws VAL_ERR_EMPTY_INPUT when ref is empty or the mask selects nothing
 * @throws VAL_ERR_SIZE_MISMATCH when test or mask differ in length from ref
 * @throws VAL_ERR_BAD_INPUT when an image holds NaN or ±Infinity
 * @example rmse(fullDose, restored) // HU
 */
export function rmse(ref: Float32Array, test: Float32Array, mask?: Uint8Array): number {
  checkPair('rmse', ref, test, mask);
  const n = ref.length;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    const d = test[i] - ref[i];
    sum += d * d;
    count++;
  }
  checkSelected('rmse', count);
  checkFiniteSum('rmse', 'ref/test', sum);
  return sqrt(sum / count);
}
