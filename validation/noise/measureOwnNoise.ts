import { validationError } from '../errors.js';
import { gaussianBlur, nps2d, placeHomogeneousRois, type NpsResult, type Roi } from '../metrics/index.js';
import type { CtSliceSource } from './CtSliceSource.js';

/**
 * How the series' own noise was isolated:
 * - 'slice-difference': (slice k − slice k+1)/√2 of adjacent thin slices, in flat regions: the anatomy cancels, the
 *   independent noise of the two slices stays (variance corrected for overlapping reconstructions);
 * - 'flat-roi': the slice itself in flat regions, detrended (second-order surface): what is left of the anatomy adds
 *   some low-frequency power.
 */
export type OwnNoiseEstimator = 'slice-difference' | 'flat-roi';

/** Options of {@link measureOwnNoise}. */
export interface OwnNoiseOptions {
  /** NPS ROI side in pixels, a power of two (default 32). */
  readonly roiSize?: number;
  /** Slices sampled, spread evenly over the series (default 12). */
  readonly sampleSlices?: number;
  /** ROIs per sampled slice (default 8). */
  readonly roisPerSlice?: number;
  /**
   * Force an estimator; default: both where the series allows a difference (evenly spaced, at least two slices), and
   * the one with the lower SD, since anatomy left in the ROIs only ever adds power.
   */
  readonly estimator?: OwnNoiseEstimator;
}

/** The series' own noise: where and how it was measured, and its NPS. */
export interface OwnNoise {
  readonly estimator: OwnNoiseEstimator;
  readonly roiSize: number;
  /** NPS of the isolated noise (cycles/mm, HU²·mm²); for slice-difference already divided by 2 (the √2). */
  readonly nps: NpsResult;
  /** Noise SD, HU: √(NPS integral), corrected for the correlation of overlapping slices. */
  readonly sdHu: number;
  /** Correlation between adjacent slices assumed for the variance correction (0 unless they overlap). */
  readonly adjacentCorrelation: number;
  /** SD each estimator gave on the same ROIs, HU (slice-difference absent where the series allows none). */
  readonly candidates: Readonly<Partial<Record<OwnNoiseEstimator, number>>>;
  /** The sampled slice indices and the ROIs on each (the same ROIs serve the inserted noise). */
  readonly samples: readonly { readonly slice: number; readonly rois: readonly Roi[] }[];
}

const BLUR_SIGMA_PX = 2;
/** Largest SD of the blurred square: above it the square holds an organ boundary, not a flat region. */
const FLAT_MAX_SD_HU = 15;
/** Soft tissue and fat, no air, no bone, no contrast-filled vessels. */
const FLAT_HU_RANGE: [number, number] = [-150, 150];

/**
 * Measures the noise a CT series already has, the texture the inserted noise must copy (issue "Step 11"): ROIs are
 * placed in flat, air-free regions found on a Gaussian-blurred copy of each sampled slice (σ = 2 px; mean in
 * [−150, 150] HU, blurred SD ≤ 15 HU, so the choice depends on anatomy rather than on the noise draw, which would
 * bias the SD low), then the NPS of the isolated noise is measured there with `nps2d` (second-order detrend).
 * @throws VAL_ERR_BAD_OPTION on an option out of range
 * @throws VAL_ERR_NO_ROI when no sampled slice has a flat soft-tissue region
 */
export async function measureOwnNoise(src: CtSliceSource, opts: OwnNoiseOptions = {}): Promise<OwnNoise> {
  const roiSize = opts.roiSize ?? 32;
  const sampleCount = opts.sampleSlices ?? 12;
  const perSlice = opts.roisPerSlice ?? 8;
  if (!Number.isInteger(sampleCount) || sampleCount < 1) bad(src, 'sampleSlices', 'an integer >= 1', sampleCount);
  if (!Number.isInteger(perSlice) || perSlice < 1) bad(src, 'roisPerSlice', 'an integer >= 1', perSlice);
  const canDifference = src.count >= 2 && src.sliceSpacingMm !== undefined && src.sliceSpacingMm > 0;
  if (opts.estimator === 'slice-difference' && !canDifference) {
    bad(src, 'estimator', 'flat-roi for a series without two evenly spaced slices', opts.estimator);
  }
  const tryDifference = opts.estimator !== 'flat-roi' && canDifference;
  const picks = spread(tryDifference ? src.count - 2 : src.count - 1, sampleCount);
  const samples: { slice: number; rois: Roi[] }[] = [];
  const flat: NpsResult[] = [];
  const diff: NpsResult[] = [];
  for (const slice of picks) {
    const a = await src.frame(slice);
    let rois: Roi[];
    try {
      rois = placeHomogeneousRois(gaussianBlur(a, src.width, src.height, BLUR_SIGMA_PX), src.width, src.height, {
        count: perSlice,
        size: roiSize,
        huRange: FLAT_HU_RANGE,
        stride: 4,
        maxSd: FLAT_MAX_SD_HU,
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'VAL_ERR_NO_ROI') continue;
      throw e;
    }
    samples.push({ slice, rois });
    flat.push(nps2d([a], src.width, src.height, rois, src.pixelSizeMm));
    if (tryDifference) {
      const b = await src.frame(slice + 1);
      const d = new Float32Array(a.length);
      for (let i = 0; i < a.length; i++) d[i] = (a[i] - b[i]) * Math.SQRT1_2;
      diff.push(nps2d([d], src.width, src.height, rois, src.pixelSizeMm));
    }
  }
  if (samples.length === 0) {
    throw validationError(
      'VAL_ERR_NO_ROI',
      `measureOwnNoise: ${src.label}: expected a flat soft-tissue region (${roiSize}x${roiSize} px, blurred mean in ` +
        `[${FLAT_HU_RANGE.join(', ')}] HU, blurred SD <= ${FLAT_MAX_SD_HU} HU) on some of slices ${picks.join(', ')}, got none`,
      { series: src.label },
    );
  }
  // Overlapping reconstructions (thickness > spacing) share noise; with a rectangular slice profile the correlation
  // of neighbours is the overlap fraction, and the difference keeps 1 − ρ of the variance.
  const rho =
    src.sliceThicknessMm !== undefined && src.sliceSpacingMm !== undefined
      ? Math.max(0, 1 - src.sliceSpacingMm / src.sliceThicknessMm)
      : 0;
  const flatNps = poolNps(flat);
  const candidates: Partial<Record<OwnNoiseEstimator, number>> = { 'flat-roi': Math.sqrt(flatNps.variance) };
  let estimator: OwnNoiseEstimator = 'flat-roi';
  let nps = flatNps;
  if (tryDifference) {
    const diffNps = poolNps(diff);
    candidates['slice-difference'] = Math.sqrt(diffNps.variance / (1 - rho));
    if (opts.estimator === 'slice-difference' || candidates['slice-difference'] < candidates['flat-roi']!) {
      estimator = 'slice-difference';
      nps = diffNps;
    }
  }
  return {
    estimator,
    roiSize,
    nps,
    sdHu: candidates[estimator] as number,
    adjacentCorrelation: estimator === 'slice-difference' ? rho : 0,
    candidates,
    samples,
  };
}

/** Up to n indices spread evenly over 0..last, ends excluded when there is room (the ends are often partial). */
export function spread(last: number, n: number): number[] {
  if (last + 1 <= n) return Array.from({ length: last + 1 }, (_, i) => i);
  return Array.from({ length: n }, (_, t) => Math.round(((t + 1) * last) / (n + 1)));
}

/** Realisation-weighted mean of NPS results measured on the same ROI size and pixel size. */
export function poolNps(parts: readonly NpsResult[]): NpsResult {
  const first = parts[0];
  const bins = first.nps.length;
  const total = parts.reduce((s, p) => s + p.realizations, 0);
  const nps = new Float64Array(bins);
  const spectrum2d = new Float64Array(first.spectrum2d.length);
  let variance = 0;
  for (const p of parts) {
    const w = p.realizations / total;
    for (let b = 0; b < bins; b++) nps[b] += w * p.nps[b];
    for (let i = 0; i < spectrum2d.length; i++) spectrum2d[i] += w * p.spectrum2d[i];
    variance += w * p.variance;
  }
  let peak = 0;
  let weighted = 0;
  let mass = 0;
  for (let b = 0; b < bins; b++) {
    if (nps[b] > nps[peak]) peak = b;
    weighted += first.frequencies[b] * nps[b];
    mass += nps[b];
  }
  return {
    frequencies: first.frequencies,
    nps,
    peakFrequency: first.frequencies[peak],
    meanFrequency: mass > 0 ? weighted / mass : 0,
    variance,
    spectrum2d,
    roiWidth: first.roiWidth,
    roiHeight: first.roiHeight,
    realizations: total,
    binWidth: first.binWidth,
  };
}

function bad(src: CtSliceSource, option: string, expected: string, got: unknown): never {
  throw validationError(
    'VAL_ERR_BAD_OPTION',
    `measureOwnNoise: ${src.label}: ${option}: expected ${expected}, got ${String(got)}`,
    { option, series: src.label },
  );
}
