import { RAMP_WINDOWS, type Rng } from '../lowdose/index.js';
import { kernelNps } from './kernelNps.js';
import type { NoiseKernel } from './NoiseKernel.js';
import type { SeriesNoiseModel } from './SeriesNoiseModel.js';

/** Ranges the training data draws from (issue "Step 11": a diversity a model cannot overfit). */
export const ACQUISITION_RANGES = Object.freeze({
  /** Dose fraction, log-uniform: 5 % to 100 % of the series' own dose. */
  dose: [0.05, 1] as const,
  /** NPS mean frequency relative to the series' own kernel, log-uniform: smoother to sharper. */
  kernelSharpness: [1 / 1.5, 1.5] as const,
  /** Electronic noise variance, counts², uniform. */
  electronicNoiseVariance: [0, 30] as const,
  /** Adjacent thin slices averaged into one (1 = as stored), when the series' slices are thin. */
  thicknessSlices: [1, 2, 3] as const,
});

/** Slices this thin (and spaced this closely), mm, can be averaged into thicker ones. */
export const THIN_SLICE_MM = 1.5;

/** The acquisition one training realisation simulates. */
export interface RandomAcquisition {
  readonly doseFraction: number;
  readonly kernel: NoiseKernel;
  /** The kernel's NPS mean frequency over the own kernel's (the draw it came from). */
  readonly sharpness: number;
  readonly electronicNoiseVariance: number;
  readonly thicknessSlices: number;
  /** I0 of the (possibly thicker) realisation: m averaged slices carry m times the photons. */
  readonly incidentPhotons: number;
}

const CUTOFFS = Array.from({ length: 15 }, (_, i) => Math.round((0.3 + i * 0.05) * 100) / 100);

function logUniform(rng: Rng, [lo, hi]: readonly [number, number]): number {
  return Math.exp(Math.log(lo) + rng.uniform() * (Math.log(hi) - Math.log(lo)));
}

/**
 * The kernel, among all windows and cutoffs 0.30..1.00, whose NPS mean frequency is nearest a target (cycles/pixel):
 * ties of texture between windows are broken by a random window, so training sees every apodisation.
 */
export function kernelNear(targetMean: number, roiSize: number, rng: Rng): NoiseKernel {
  const start = Math.floor(rng.uniform() * RAMP_WINDOWS.length);
  let best: { kernel: NoiseKernel; error: number } | undefined;
  for (let w = 0; w < RAMP_WINDOWS.length; w++) {
    const window = RAMP_WINDOWS[(start + w) % RAMP_WINDOWS.length];
    for (const cutoff of CUTOFFS) {
      const error = Math.abs(Math.log(kernelNps({ window, cutoff }, roiSize).meanFrequency / targetMean));
      if (best === undefined || error < best.error - 1e-3) best = { kernel: { window, cutoff }, error };
    }
  }
  return (best as { kernel: NoiseKernel }).kernel;
}

/**
 * Draws one training acquisition around a series' fitted noise model: dose, kernel sharpness (around the series' own
 * kernel), electronic noise, and slice thickness where the series has thin slices.
 * @param thinSlices - the series' slices are at most {@link THIN_SLICE_MM} thick and apart
 */
export function randomiseAcquisition(model: SeriesNoiseModel, thinSlices: boolean, rng: Rng): RandomAcquisition {
  const roiSize = model.own.roiSize > 0 ? model.own.roiSize : 32;
  const doseFraction = Math.min(1, logUniform(rng, ACQUISITION_RANGES.dose));
  const sharpness = logUniform(rng, ACQUISITION_RANGES.kernelSharpness);
  const kernel = kernelNear(kernelNps(model.kernel, roiSize).meanFrequency * sharpness, roiSize, rng);
  const [eLo, eHi] = ACQUISITION_RANGES.electronicNoiseVariance;
  const electronicNoiseVariance = eLo + rng.uniform() * (eHi - eLo);
  const choices = thinSlices ? ACQUISITION_RANGES.thicknessSlices : [1];
  const thicknessSlices = choices[Math.floor(rng.uniform() * choices.length)];
  return {
    doseFraction,
    kernel,
    sharpness,
    electronicNoiseVariance,
    thicknessSlices,
    incidentPhotons: model.incidentPhotons * thicknessSlices,
  };
}
