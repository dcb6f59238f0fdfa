import { RAMP_WINDOWS, type RampWindow } from '../lowdose/index.js';
import { validationError } from '../errors.js';
import { kernelNps } from './kernelNps.js';
import type { NoiseKernel } from './NoiseKernel.js';

/** Options of {@link matchNoiseKernel}. */
export interface MatchKernelOptions {
  /** Windows searched (default all, {@link RAMP_WINDOWS}). */
  readonly windows?: readonly RampWindow[];
  /** Smallest cutoff searched (default 0.3: smoother than any body kernel at its own pixel size). */
  readonly minCutoff?: number;
  /** Views of the simulated noise (default the simulation's). */
  readonly viewCount?: number;
}

/** The chosen kernel and how close its NPS shape came. */
export interface KernelMatch {
  readonly kernel: NoiseKernel;
  /** Wasserstein-1 distance between the two normalised radial NPS, in cycles/pixel (0: identical shapes). */
  readonly distance: number;
  /** The kernel's NPS mean frequency, cycles/pixel. */
  readonly meanFrequency: number;
  /** The target's NPS mean frequency, cycles/pixel. */
  readonly targetMeanFrequency: number;
}

const COARSE_STEP = 0.05;
const FINE_STEP = 0.01;

/**
 * Wasserstein-1 (earth mover's) distance between two radial NPS curves on the same bins, each normalised to unit
 * mass: Σ |CDF_a − CDF_b| · Δf. It compares the whole texture, and bounds the difference of the mean frequencies
 * (|mean_a − mean_b| ≤ W1), so minimising it also matches the figure the noise check reports.
 */
export function npsDistance(a: Float64Array, b: Float64Array, binWidth: number): number {
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    sa += a[i];
    sb += b[i];
  }
  let ca = 0;
  let cb = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    ca += a[i] / sa;
    cb += b[i] / sb;
    d += Math.abs(ca - cb);
  }
  return d * binWidth;
}

/**
 * Finds the ramp apodisation and cutoff whose reconstructed white noise has the NPS shape of a measured one: per
 * window, a coarse scan of the cutoff (steps of 0.05 from minCutoff to 1), then steps of 0.01 around the best; the
 * window and cutoff with the smallest {@link npsDistance} win. The target must come from `nps2d` on roiSize ROIs
 * (radial bins b · f_N / (roiSize/2)), in any frequency unit: only the shape over the bins is compared.
 * @param targetNps - radial NPS values, one per bin (roiSize / 2 bins)
 * @param roiSize - side of the ROIs the target was measured on
 * @throws VAL_ERR_BAD_OPTION when the target is not roiSize/2 finite, non-negative values with some power, or an
 *   option is out of range
 */
export function matchNoiseKernel(targetNps: Float64Array, roiSize: number, opts: MatchKernelOptions = {}): KernelMatch {
  const bins = roiSize / 2;
  let mass = 0;
  for (const v of targetNps) {
    if (!(v >= 0 && Number.isFinite(v))) bad('targetNps', 'finite values >= 0', v);
    mass += v;
  }
  if (targetNps.length !== bins) bad('targetNps', `${bins} radial bins (roiSize / 2)`, `${targetNps.length}`);
  if (!(mass > 0)) bad('targetNps', 'some noise power', 'all zero');
  const windows = opts.windows ?? RAMP_WINDOWS;
  if (windows.length === 0 || windows.some((w) => !RAMP_WINDOWS.includes(w))) {
    bad('windows', `a non-empty subset of ${RAMP_WINDOWS.join('|')}`, windows.join(','));
  }
  const minCutoff = opts.minCutoff ?? 0.3;
  if (!(minCutoff > 0 && minCutoff <= 1)) bad('minCutoff', '0 < minCutoff <= 1', minCutoff);
  const binWidth = 0.5 / bins;
  const score = (window: RampWindow, cutoff: number): number =>
    npsDistance(targetNps, kernelNps({ window, cutoff }, roiSize, opts.viewCount).shape, binWidth);

  let best: { window: RampWindow; cutoff: number; distance: number } | undefined;
  for (const window of windows) {
    let local = { cutoff: 1, distance: score(window, 1) };
    for (let c = 1 - COARSE_STEP; c >= minCutoff - 1e-9; c -= COARSE_STEP) {
      const cutoff = round2(c);
      const distance = score(window, cutoff);
      if (distance < local.distance) local = { cutoff, distance };
    }
    const from = Math.max(minCutoff, local.cutoff - COARSE_STEP + FINE_STEP);
    const to = Math.min(1, local.cutoff + COARSE_STEP - FINE_STEP);
    for (let c = from; c <= to + 1e-9; c += FINE_STEP) {
      const cutoff = round2(c);
      const distance = score(window, cutoff);
      if (distance < local.distance) local = { cutoff, distance };
    }
    if (best === undefined || local.distance < best.distance) best = { window, ...local };
  }
  const chosen = best as { window: RampWindow; cutoff: number; distance: number };
  const kernel = { window: chosen.window, cutoff: chosen.cutoff };
  let targetMean = 0;
  for (let b = 0; b < bins; b++) targetMean += ((b + 1) * binWidth * targetNps[b]) / mass;
  return {
    kernel,
    distance: chosen.distance,
    meanFrequency: kernelNps(kernel, roiSize, opts.viewCount).meanFrequency,
    targetMeanFrequency: targetMean,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function bad(option: string, expected: string, got: unknown): never {
  throw validationError('VAL_ERR_BAD_OPTION', `matchNoiseKernel: ${option}: expected ${expected}, got ${String(got)}`, {
    option,
  });
}
