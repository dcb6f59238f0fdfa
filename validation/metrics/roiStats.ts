import { checkFiniteSum, checkImage, checkRoi } from './checkInputs.js';
import type { Roi } from './Roi.js';

const { sqrt } = Math;

/** Mean, sample standard deviation and pixel count of one ROI. */
export interface RoiStats {
  mean: number;
  /** Sample SD (denominator n - 1); 0 when n = 1. */
  sd: number;
  n: number;
}

/**
 * Mean and noise SD of a rectangular ROI (two passes: mean, then Σ(v - mean)², so large HU offsets lose no precision).
 * The SD uses the n - 1 denominator (an unbiased variance estimate of the noise), 0 for a single pixel.
 * @param image - row-major width x height
 * @param width - columns
 * @param height - rows
 * @param roi - integer rectangle fully inside the image
 * @throws VAL_ERR_SIZE_MISMATCH when image does not hold width x height values
 * @throws VAL_ERR_BAD_ROI when the ROI is empty, not integer or outside the image
 * @throws VAL_ERR_BAD_INPUT when the ROI holds NaN or ±Infinity
 * @example roiStats(slice, 512, 512, { x: 240, y: 300, width: 32, height: 32 }).sd // noise SD in HU
 */
export function roiStats(image: Float32Array, width: number, height: number, roi: Roi): RoiStats {
  checkImage('roiStats', 'image', image, width, height);
  checkRoi('roiStats', 'roi', roi, width, height);
  const { x, y, width: w, height: h } = roi;
  let sum = 0;
  for (let r = y; r < y + h; r++) {
    const row = r * width;
    for (let c = x; c < x + w; c++) sum += image[row + c];
  }
  checkFiniteSum('roiStats', 'image', sum);
  const n = w * h;
  const mean = sum / n;
  let ss = 0;
  for (let r = y; r < y + h; r++) {
    const row = r * width;
    for (let c = x; c < x + w; c++) {
      const d = image[row + c] - mean;
      ss += d * d;
    }
  }
  return { mean, sd: n > 1 ? sqrt(ss / (n - 1)) : 0, n };
}
