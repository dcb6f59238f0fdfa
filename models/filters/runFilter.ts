import type { FilterModelIndex } from '../pack/ModelIndex.js';
import type { OpenCv } from '../runtime/opencv.js';

/**
 * A filter pack's classical filter on one model-range tile [3, H, W]. CT tiles hold one image repeated in the three
 * channels, so the filter runs once and is copied; colour tiles are filtered as one 3-channel image, so the range
 * kernel compares colours, not channels one by one. Sigmas given in HU / 8-bit levels are converted to model units
 * through the pack's own mapping, so the same pack means the same filter whatever its mapping window.
 * @returns the filtered tile [3, H, W] (a new array; `tile` is not changed)
 */
export function runFilter(
  cv: OpenCv | undefined,
  index: FilterModelIndex,
  kind: 'ct' | 'rgb',
  tile: Float32Array,
  height: number,
  width: number,
): Float32Array {
  const f = index.filter;
  if (f.kind === 'identity' || !cv) return tile.slice();
  const n = height * width;
  const out = new Float32Array(3 * n);
  if (kind === 'ct') {
    const sigma = (f.sigma_color_hu * 2) / (index.mapping.ct.high_hu - index.mapping.ct.low_hu);
    const src = cv.matFromArray(height, width, cv.CV_32FC1, tile.subarray(0, n));
    const dst = new cv.Mat();
    try {
      cv.bilateralFilter(src, dst, f.diameter, sigma, f.sigma_space_px, cv.BORDER_REPLICATE);
      out.set(dst.data32F.subarray(0, n), 0);
    } finally {
      src.delete();
      dst.delete();
    }
    out.copyWithin(n, 0, n);
    out.copyWithin(2 * n, 0, n);
    return out;
  }
  const sigma = f.sigma_color_rgb / index.mapping.rgb.scale;
  const interleaved = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) interleaved[3 * i + c] = tile[c * n + i];
  const src = cv.matFromArray(height, width, cv.CV_32FC3, interleaved);
  const dst = new cv.Mat();
  try {
    cv.bilateralFilter(src, dst, f.diameter, sigma, f.sigma_space_px, cv.BORDER_REPLICATE);
    const d = dst.data32F;
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = d[3 * i + c];
  } finally {
    src.delete();
    dst.delete();
  }
  return out;
}
