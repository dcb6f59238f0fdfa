import { validationError } from '../errors.js';
import { checkFiniteSum, checkImage, checkLength, checkSelected, checkWindow } from './checkInputs.js';
import type { HuWindow } from './HuWindow.js';

const { exp } = Math;

/** Wang et al. 2004 constants: 11 x 11 circular-symmetric Gaussian window, σ = 1.5, K1 = 0.01, K2 = 0.03. */
export const SSIM_WINDOW_SIZE = 11;
export const SSIM_SIGMA = 1.5;
export const SSIM_K1 = 0.01;
export const SSIM_K2 = 0.03;

const RADIUS = (SSIM_WINDOW_SIZE - 1) / 2;

/** The 1-D Gaussian g[k] ∝ exp(-(k - 5)² / (2σ²)), Σ g = 1; the 2-D window is g[a]·g[b] (fspecial('gaussian', 11, 1.5)). */
const GAUSSIAN = (() => {
  const g = new Float64Array(SSIM_WINDOW_SIZE);
  let sum = 0;
  for (let k = 0; k < SSIM_WINDOW_SIZE; k++) {
    g[k] = exp(-((k - RADIUS) ** 2) / (2 * SSIM_SIGMA * SSIM_SIGMA));
    sum += g[k];
  }
  for (let k = 0; k < SSIM_WINDOW_SIZE; k++) g[k] /= sum;
  return g;
})();

/**
 * Mean structural similarity (Wang, Bovik, Sheikh, Simoncelli, "Image quality assessment: from error visibility to
 * structural similarity", IEEE TIP 13(4):600-612, 2004, eqs. 13-17; their reference `ssim_index.m`):
 *
 *   SSIM(x, y) = (2·μx·μy + C1)(2·σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),  C1 = (K1·L)², C2 = (K2·L)²,
 *
 * with μ, σ², σxy the Gaussian-weighted local means, variances and covariance (weights sum to 1, no N/(N-1)
 * correction) over an 11 x 11 window of σ = 1.5, evaluated at every window position fully inside the image
 * (`filter2(..., 'valid')`: centres (i, j) with 5 <= i < height - 5, 5 <= j < width - 5), and averaged.
 *
 * Windowing: both images are clamped to [win.low, win.high] and shifted by -win.low, so the values lie in [0, L] with
 * L = win.high - win.low, as 8-bit images lie in [0, 255] in Wang's setting; the luminance term depends on this
 * offset (SSIM is not shift-invariant), the other terms do not. No down-sampling is applied (unlike the 2009
 * `ssim.m` wrapper, which down-samples images larger than 256 pixels).
 * Computed with separable filtering (two 11-tap passes over x, y, x², y², xy): O(22·5) per pixel.
 * @param ref - reference image, row-major width x height (HU for CT)
 * @param test - image under test, same layout
 * @param width - columns, >= 11
 * @param height - rows, >= 11
 * @param win - window; its width is the data range L
 * @param mask - optional, width x height; only window positions whose centre pixel has mask ≠ 0 are averaged
 * @returns mean SSIM in [-1, 1]; 1 for identical windowed images
 * @throws VAL_ERR_BAD_OPTION when width or height is not an integer >= 11, or the window is not finite low < high
 * @throws VAL_ERR_SIZE_MISMATCH when ref, test or mask do not hold width x height values
 * @throws VAL_ERR_EMPTY_INPUT when the mask selects no valid window centre
 * @throws VAL_ERR_BAD_INPUT when an image holds NaN
 * @example ssim(fullDose, restored, 512, 512, HU_WINDOWS.metric)
 */
export function ssim(
  ref: Float32Array,
  test: Float32Array,
  width: number,
  height: number,
  win: HuWindow,
  mask?: Uint8Array,
): number {
  checkImage('ssim', 'ref', ref, width, height);
  checkImage('ssim', 'test', test, width, height);
  if (mask !== undefined) checkLength('ssim', 'mask', mask, width * height);
  checkWindow('ssim', win);
  if (width < SSIM_WINDOW_SIZE || height < SSIM_WINDOW_SIZE) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `ssim: width x height: expected at least ${SSIM_WINDOW_SIZE}x${SSIM_WINDOW_SIZE} (the Gaussian window), got ${width}x${height}`,
      { option: 'width/height' },
    );
  }
  const { low, high } = win;
  const range = high - low;
  const c1 = (SSIM_K1 * range) ** 2;
  const c2 = (SSIM_K2 * range) ** 2;
  const g = GAUSSIAN;
  const taps = SSIM_WINDOW_SIZE;

  // 1. Windowed images in [0, L].
  const n = width * height;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = ref[i];
    const t = test[i];
    x[i] = (r < low ? low : r > high ? high : r) - low;
    y[i] = (t < low ? low : t > high ? high : t) - low;
  }

  // 2. Horizontal 11-tap pass ('valid' columns) of x, y, x², y², xy.
  const ow = width - taps + 1;
  const oh = height - taps + 1;
  const hx = new Float64Array(height * ow);
  const hy = new Float64Array(height * ow);
  const hxx = new Float64Array(height * ow);
  const hyy = new Float64Array(height * ow);
  const hxy = new Float64Array(height * ow);
  for (let r = 0; r < height; r++) {
    const rowIn = r * width;
    const rowOut = r * ow;
    for (let c = 0; c < ow; c++) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      const base = rowIn + c;
      for (let k = 0; k < taps; k++) {
        const w = g[k];
        const a = x[base + k];
        const b = y[base + k];
        const wa = w * a;
        const wb = w * b;
        sx += wa;
        sy += wb;
        sxx += wa * a;
        syy += wb * b;
        sxy += wa * b;
      }
      const o = rowOut + c;
      hx[o] = sx;
      hy[o] = sy;
      hxx[o] = sxx;
      hyy[o] = syy;
      hxy[o] = sxy;
    }
  }

  // 3. Vertical 11-tap pass, one output row at a time, then the SSIM of each valid window position.
  const mx = new Float64Array(ow);
  const my = new Float64Array(ow);
  const mxx = new Float64Array(ow);
  const myy = new Float64Array(ow);
  const mxy = new Float64Array(ow);
  let sum = 0;
  let count = 0;
  for (let r = 0; r < oh; r++) {
    mx.fill(0);
    my.fill(0);
    mxx.fill(0);
    myy.fill(0);
    mxy.fill(0);
    for (let k = 0; k < taps; k++) {
      const w = g[k];
      const base = (r + k) * ow;
      for (let c = 0; c < ow; c++) {
        mx[c] += w * hx[base + c];
        my[c] += w * hy[base + c];
        mxx[c] += w * hxx[base + c];
        myy[c] += w * hyy[base + c];
        mxy[c] += w * hxy[base + c];
      }
    }
    const maskRow = (r + RADIUS) * width + RADIUS;
    for (let c = 0; c < ow; c++) {
      if (mask !== undefined && mask[maskRow + c] === 0) continue;
      const ux = mx[c];
      const uy = my[c];
      const uxuy = ux * uy;
      const ux2 = ux * ux;
      const uy2 = uy * uy;
      const varSum = mxx[c] - ux2 + (myy[c] - uy2);
      const cov = mxy[c] - uxuy;
      sum += ((2 * uxuy + c1) * (2 * cov + c2)) / ((ux2 + uy2 + c1) * (varSum + c2));
      count++;
    }
  }
  checkSelected('ssim', count, 'mask (valid window centres)');
  checkFiniteSum('ssim', 'ref/test', sum);
  return sum / count;
}
