import { validationError } from '../errors.js';
import { checkFiniteSum, checkImage, checkInteger } from './checkInputs.js';
import type { Roi } from './Roi.js';

const { abs, floor, sqrt } = Math;

/** Options of {@link placeHomogeneousRois}. */
export interface PlaceRoisOptions {
  /** How many ROIs to place (default 4). */
  count?: number;
  /** Side of the square ROIs in pixels (default 32, a power of two so the ROIs also suit {@link nps2d}). */
  size?: number;
  /** Accepted range of the ROI mean on the reference, inclusive (default [-100, 200] HU: soft tissue). */
  huRange?: [number, number];
  /** Step between candidate positions in pixels (default 1: every position). */
  stride?: number;
  /**
   * Largest accepted ROI SD on the reference (default Infinity: no limit). Once the homogeneous tissue is used up, the
   * lowest-SD squares left are those straddling an edge (SD of hundreds of HU); a limit such as 50 HU stops there.
   */
  maxSd?: number;
}

/** Defaults of {@link PlaceRoisOptions}. */
export const PLACE_ROIS_DEFAULTS = Object.freeze({
  count: 4,
  size: 32,
  huRange: [-100, 200] as const,
  stride: 1,
  maxSd: Infinity,
});

/**
 * Places square ROIs automatically in homogeneous soft tissue of a reference image, for noise SD, CNR background and
 * NPS measurements that are then taken at the same places on every test image.
 *
 * 1. Summed-area tables of v and v² (v shifted by the range midpoint, against cancellation) give the mean and the
 *    population SD of every size x size square in O(1).
 * 2. Candidates: squares fully inside the image, on a `stride` grid from (0, 0), whose mean lies in huRange and
 *    whose SD is at most maxSd.
 * 3. Greedy selection: repeatedly take the candidate with the lowest SD that overlaps no ROI already taken (ties
 *    go to the first in raster order, so the result is deterministic), until `count` are placed or none is left.
 *
 * The result is ordered by increasing SD and may hold fewer than `count` ROIs when the soft tissue is too small.
 * Without maxSd, a request for more ROIs than the homogeneous tissue holds ends with edge-straddling squares (mean
 * still in range, SD much higher): check the SDs, or set maxSd.
 * @param reference - row-major width x height, HU (the full-dose or the input series slice)
 * @param width - columns
 * @param height - rows
 * @param opts - count, size, huRange, stride, maxSd (see {@link PlaceRoisOptions})
 * @returns the ROIs, non-overlapping, lowest SD first
 * @throws VAL_ERR_SIZE_MISMATCH when reference does not hold width x height values
 * @throws VAL_ERR_BAD_OPTION when count, size or stride is not an integer >= 1, size exceeds the image, huRange
 *   is not finite [low <= high], or maxSd is not >= 0
 * @throws VAL_ERR_BAD_INPUT when the reference holds NaN or ±Infinity
 * @throws VAL_ERR_NO_ROI when no square has its mean in huRange (and its SD at most maxSd)
 * @example const rois = placeHomogeneousRois(fullDose, 512, 512, { count: 6, size: 64 });
 */
export function placeHomogeneousRois(
  reference: Float32Array,
  width: number,
  height: number,
  opts: PlaceRoisOptions = {},
): Roi[] {
  const fn = 'placeHomogeneousRois';
  checkImage(fn, 'reference', reference, width, height);
  const count = opts.count ?? PLACE_ROIS_DEFAULTS.count;
  const size = opts.size ?? PLACE_ROIS_DEFAULTS.size;
  const stride = opts.stride ?? PLACE_ROIS_DEFAULTS.stride;
  const [lowHu, highHu] = opts.huRange ?? PLACE_ROIS_DEFAULTS.huRange;
  const maxSd = opts.maxSd ?? PLACE_ROIS_DEFAULTS.maxSd;
  checkInteger(fn, 'count', count, 1);
  checkInteger(fn, 'size', size, 1);
  checkInteger(fn, 'stride', stride, 1);
  if (size > width || size > height) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `${fn}: size: expected at most the image size ${width}x${height}, got ${size}`,
      { option: 'size' },
    );
  }
  if (!(maxSd >= 0)) {
    throw validationError('VAL_ERR_BAD_OPTION', `${fn}: maxSd: expected a value >= 0, got ${maxSd}`, {
      option: 'maxSd',
    });
  }
  if (!(Number.isFinite(lowHu) && Number.isFinite(highHu) && lowHu <= highHu)) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `${fn}: huRange: expected finite [low, high], got [${lowHu}, ${highHu}]`,
      {
        option: 'huRange',
      },
    );
  }

  // 1. Summed-area tables, (width + 1) x (height + 1) with a zero first row and column.
  const shift = (lowHu + highHu) / 2;
  const sw = width + 1;
  const s1 = new Float64Array(sw * (height + 1));
  const s2 = new Float64Array(sw * (height + 1));
  for (let r = 0; r < height; r++) {
    let row1 = 0;
    let row2 = 0;
    for (let c = 0; c < width; c++) {
      const v = reference[r * width + c] - shift;
      row1 += v;
      row2 += v * v;
      const o = (r + 1) * sw + c + 1;
      s1[o] = s1[o - sw] + row1;
      s2[o] = s2[o - sw] + row2;
    }
  }
  checkFiniteSum(fn, 'reference', s2[sw * (height + 1) - 1]);

  // 2. Candidates: top-left corners on the stride grid, mean in range; SD stored, NaN marks "not a candidate".
  const nx = floor((width - size) / stride) + 1;
  const ny = floor((height - size) / stride) + 1;
  const n = size * size;
  const sds = new Float64Array(nx * ny).fill(NaN);
  let candidates = 0;
  for (let j = 0; j < ny; j++) {
    const y = j * stride;
    for (let i = 0; i < nx; i++) {
      const x = i * stride;
      const a = y * sw + x;
      const b = a + size;
      const c = a + size * sw;
      const d = c + size;
      const sum = s1[d] - s1[b] - s1[c] + s1[a];
      const mean = sum / n + shift;
      if (!(mean >= lowHu && mean <= highHu)) continue;
      const variance = (s2[d] - s2[b] - s2[c] + s2[a]) / n - (sum / n) ** 2;
      const sd = variance > 0 ? sqrt(variance) : 0;
      if (sd > maxSd) continue;
      sds[j * nx + i] = sd;
      candidates++;
    }
  }
  if (candidates === 0) {
    throw validationError(
      'VAL_ERR_NO_ROI',
      `${fn}: reference: expected a ${size}x${size} square with mean in [${lowHu}, ${highHu}] HU and SD <= ${maxSd}, found none`,
      { size, low: lowHu, high: highHu, maxSd },
    );
  }

  // 3. Greedy lowest-SD selection without overlap.
  const rois: Roi[] = [];
  while (rois.length < count) {
    let best = -1;
    let bestSd = Infinity;
    for (let k = 0; k < sds.length; k++) {
      const sd = sds[k];
      if (!(sd < bestSd)) continue; // NaN (not a candidate or already excluded) fails this test
      const x = (k % nx) * stride;
      const y = floor(k / nx) * stride;
      if (overlapsAny(rois, x, y, size)) {
        sds[k] = NaN; // overlaps a placed ROI, and will forever
        continue;
      }
      best = k;
      bestSd = sd;
    }
    if (best < 0) break;
    rois.push(Object.freeze({ x: (best % nx) * stride, y: floor(best / nx) * stride, width: size, height: size }));
    sds[best] = NaN;
  }
  return rois;
}

/** Whether the size x size square at (x, y) overlaps one of the (equally sized) ROIs. */
function overlapsAny(rois: readonly Roi[], x: number, y: number, size: number): boolean {
  for (const roi of rois) {
    if (abs(roi.x - x) < size && abs(roi.y - y) < size) return true;
  }
  return false;
}
