import { checkImage, checkRoi } from './checkInputs.js';
import type { Roi } from './Roi.js';
import { roiStats } from './roiStats.js';

/**
 * Contrast-to-noise ratio CNR = |mean_signal - mean_background| / sd_background, with the sample SD of the
 * background ROI (see {@link roiStats}). A noise-free background (sd 0) gives Infinity, or NaN when the means are
 * also equal: the ratio is undefined there, and the caller decides how to report it.
 * @param image - row-major width x height
 * @param width - columns
 * @param height - rows
 * @param signal - ROI in the object (lesion, vessel, insert)
 * @param background - ROI in the surrounding tissue
 * @throws VAL_ERR_SIZE_MISMATCH when image does not hold width x height values
 * @throws VAL_ERR_BAD_ROI when a ROI is empty, not integer or outside the image
 * @throws VAL_ERR_BAD_INPUT when a ROI holds NaN or ±Infinity
 * @example cnr(slice, 512, 512, insertRoi, liverRoi)
 */
export function cnr(image: Float32Array, width: number, height: number, signal: Roi, background: Roi): number {
  checkImage('cnr', 'image', image, width, height);
  checkRoi('cnr', 'signal', signal, width, height);
  checkRoi('cnr', 'background', background, width, height);
  const s = roiStats(image, width, height, signal);
  const b = roiStats(image, width, height, background);
  const contrast = s.mean - b.mean;
  return (contrast < 0 ? -contrast : contrast) / b.sd;
}
