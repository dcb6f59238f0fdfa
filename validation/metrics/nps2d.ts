import { validationError } from '../errors.js';
import { createFftPlan } from '../lowdose/index.js';
import { checkFiniteSum, checkImage, checkInteger, checkNotEmpty, checkPositive, checkRoi } from './checkInputs.js';
import { detrendBasis, detrendInPlace, type DetrendMode } from './detrend.js';
import type { NpsResult } from './NpsResult.js';
import type { Roi } from './Roi.js';

const { floor, sqrt } = Math;

/** Options of {@link nps2d}. */
export interface NpsOptions {
  /** Background removed from each ROI before the DFT (default 'poly2', a second-order polynomial surface). */
  detrend?: DetrendMode;
  /** Number of radial bins from Δf to f_Nyquist, 1 .. min(Nx, Ny)/2 (default min(Nx, Ny)/2). */
  bins?: number;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 4 && (n & (n - 1)) === 0;
}

/**
 * 2-D noise power spectrum following AAPM Report 233 (TG-233, Samei et al. 2019) and Dolly et al. / Friedman et al.
 * practice, for Nx x Ny ROIs (all the same size) placed at the same positions on every image:
 *
 * 1. For each image and ROI: detrend (subtract the least-squares mean, plane or second-order polynomial surface).
 * 2. 2-D DFT F(k, l) of the residual (radix-2 FFT of the `lowdose` module: **Nx and Ny must be powers of two >= 4**;
 *    ROIs are never zero-padded, because padding would change the normalisation and correlate the samples).
 * 3. NPS(fx, fy) = (Δx·Δy)/(Nx·Ny) · ⟨|F(k, l)|²⟩, averaged over all ROIs of all images; fx = k/(Nx·Δx),
 *    fy = l/(Ny·Δy), Δx = Δy = pixelSizeMm. White noise of SD s gives NPS = s²·Δx·Δy at every frequency.
 * 4. Radial average: bin b (b = 1..bins) holds the frequencies with radius in ((b - ½)·Δf, (b + ½)·Δf],
 *    Δf = f_N / bins, f_N = 1/(2Δx); its value is the mean NPS of those samples, reported at f = b·Δf. The zero
 *    frequency (removed by detrending) and the corners beyond f_N + Δf/2 are left out of the radial curve.
 * 5. peakFrequency = f of the largest radial value; meanFrequency = Σ f·NPS / Σ NPS over the bins;
 *    variance = Σ NPS(fx, fy)·Δfx·Δfy over the whole 2-D spectrum (by Parseval, the mean variance of the
 *    detrended ROIs).
 *
 * Use difference images (two acquisitions, or output − reference) divided by √2 when the ROIs contain structure.
 * @param images - one or more row-major width x height images (HU for CT)
 * @param width - columns of every image
 * @param height - rows of every image
 * @param rois - one or more ROIs, all of the same power-of-two size, inside the image (may overlap)
 * @param pixelSizeMm - pixel spacing in mm (square pixels)
 * @param opts - detrend ('poly2' default), bins
 * @returns the radial NPS and its summary figures (see {@link NpsResult})
 * @throws VAL_ERR_EMPTY_INPUT when images or rois is empty
 * @throws VAL_ERR_SIZE_MISMATCH when an image does not hold width x height values
 * @throws VAL_ERR_BAD_ROI when a ROI is outside the image, not of the first ROI's size, or not a power of two >= 4
 * @throws VAL_ERR_BAD_OPTION when pixelSizeMm, detrend or bins is out of range
 * @throws VAL_ERR_BAD_INPUT when a ROI holds NaN or ±Infinity
 * @example nps2d(slices, 512, 512, placeHomogeneousRois(slices[0], 512, 512, { size: 64 }), 0.7)
 */
export function nps2d(
  images: readonly Float32Array[],
  width: number,
  height: number,
  rois: readonly Roi[],
  pixelSizeMm: number,
  opts: NpsOptions = {},
): NpsResult {
  const fn = 'nps2d';
  checkNotEmpty(fn, 'images', images);
  checkNotEmpty(fn, 'rois', rois);
  images.forEach((image, k) => checkImage(fn, `images[${k}]`, image, width, height));
  rois.forEach((roi, k) => checkRoi(fn, `rois[${k}]`, roi, width, height));
  const nx = rois[0].width;
  const ny = rois[0].height;
  if (!isPowerOfTwo(nx) || !isPowerOfTwo(ny)) {
    throw validationError(
      'VAL_ERR_BAD_ROI',
      `${fn}: rois[0]: expected width and height powers of two >= 4 (no zero padding), got ${nx}x${ny}`,
      { roi: 'rois[0]', width: nx, height: ny },
    );
  }
  rois.forEach((roi, k) => {
    if (roi.width !== nx || roi.height !== ny) {
      throw validationError(
        'VAL_ERR_BAD_ROI',
        `${fn}: rois[${k}]: expected the size of rois[0], ${nx}x${ny}, got ${roi.width}x${roi.height}`,
        { roi: `rois[${k}]`, width: roi.width, height: roi.height },
      );
    }
  });
  checkPositive(fn, 'pixelSizeMm', pixelSizeMm);
  const maxBins = Math.min(nx, ny) / 2;
  const bins = opts.bins ?? maxBins;
  checkInteger(fn, 'bins', bins, 1);
  if (bins > maxBins) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `${fn}: bins: expected at most min(Nx, Ny)/2 = ${maxBins}, got ${bins}`,
      {
        option: 'bins',
      },
    );
  }
  const basis = detrendBasis(nx, ny, opts.detrend ?? 'poly2');

  // 1-3. Detrend, 2-D FFT (rows, then columns), accumulate |F|².
  const n = nx * ny;
  const planX = createFftPlan(nx);
  const planY = createFftPlan(ny);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const rowRe = new Float64Array(nx);
  const rowIm = new Float64Array(nx);
  const colRe = new Float64Array(ny);
  const colIm = new Float64Array(ny);
  const power = new Float64Array(n);
  images.forEach((image, k) => {
    for (const roi of rois) {
      let sum = 0;
      for (let r = 0; r < ny; r++) {
        const src = (roi.y + r) * width + roi.x;
        for (let c = 0; c < nx; c++) {
          const v = image[src + c];
          re[r * nx + c] = v;
          sum += v;
        }
      }
      checkFiniteSum(fn, `images[${k}]`, sum);
      detrendInPlace(re, basis);
      im.fill(0);
      for (let r = 0; r < ny; r++) {
        const o = r * nx;
        rowRe.set(re.subarray(o, o + nx));
        rowIm.set(im.subarray(o, o + nx));
        planX.transform(rowRe, rowIm, false);
        re.set(rowRe, o);
        im.set(rowIm, o);
      }
      for (let c = 0; c < nx; c++) {
        for (let r = 0; r < ny; r++) {
          colRe[r] = re[r * nx + c];
          colIm[r] = im[r * nx + c];
        }
        planY.transform(colRe, colIm, false);
        for (let r = 0; r < ny; r++) {
          const o = r * nx + c;
          power[o] += colRe[r] * colRe[r] + colIm[r] * colIm[r];
        }
      }
    }
  });
  const realizations = images.length * rois.length;
  const dx = pixelSizeMm;
  const scale = (dx * dx) / (n * realizations);

  // 4. Centred 2-D spectrum, radial average, and the integral (Δfx·Δfy = 1/(Nx·Δx·Ny·Δy)).
  const spectrum2d = new Float64Array(n);
  const nyquist = 1 / (2 * dx);
  const binWidth = nyquist / bins;
  const binSum = new Float64Array(bins);
  const binCount = new Float64Array(bins);
  let total = 0;
  for (let l = 0; l < ny; l++) {
    const fy = (l < ny / 2 ? l : l - ny) / (ny * dx);
    const row = ((l + ny / 2) % ny) * nx;
    for (let k = 0; k < nx; k++) {
      const fx = (k < nx / 2 ? k : k - nx) / (nx * dx);
      const value = power[l * nx + k] * scale;
      spectrum2d[row + ((k + nx / 2) % nx)] = value;
      total += value;
      if (k === 0 && l === 0) continue;
      // radius in bin units; bin b covers ((b - ½), (b + ½)], so b = ceil(ρ - ½)
      const rho = sqrt(fx * fx + fy * fy) / binWidth;
      const b = -floor(-(rho - 0.5)); // ceil
      if (b < 1 || b > bins) continue;
      binSum[b - 1] += value;
      binCount[b - 1]++;
    }
  }
  const variance = total / (nx * dx * ny * dx);

  // 5. Summary figures.
  const frequencies = new Float64Array(bins);
  const nps = new Float64Array(bins);
  let peak = 0;
  let weighted = 0;
  let mass = 0;
  for (let b = 0; b < bins; b++) {
    frequencies[b] = (b + 1) * binWidth;
    nps[b] = binSum[b] / binCount[b];
    if (nps[b] > nps[peak]) peak = b;
    weighted += frequencies[b] * nps[b];
    mass += nps[b];
  }
  return {
    frequencies,
    nps,
    peakFrequency: frequencies[peak],
    meanFrequency: mass > 0 ? weighted / mass : 0,
    variance,
    spectrum2d,
    roiWidth: nx,
    roiHeight: ny,
    realizations,
    binWidth,
  };
}
