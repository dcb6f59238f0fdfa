import type { LowDoseOptions } from '../lowdose/index.js';
import type { KernelMatch } from './matchNoiseKernel.js';
import type { NoiseKernel } from './NoiseKernel.js';
import type { OwnNoiseEstimator } from './measureOwnNoise.js';

/**
 * How to insert noise into one series so it looks like the series' own, only more of it: the reconstruction kernel
 * of the inserted noise (NPS shape) and the effective incident photons per ray at the series' own dose (NPS level).
 * Serialisable: training data and reports record it.
 */
export interface SeriesNoiseModel {
  readonly kernel: NoiseKernel;
  /** I0 per ray such that Yu et al.'s added variance at dose f is (1/f − 1) times the series' own noise variance. */
  readonly incidentPhotons: number;
  /** The series' own noise the model was fitted to. */
  readonly own: {
    readonly estimator: OwnNoiseEstimator;
    readonly sdHu: number;
    readonly npsMeanFrequency: number;
    readonly npsPeakFrequency: number;
    readonly roiSize: number;
    readonly rois: number;
  };
  /** Wasserstein-1 distance of the NPS shapes (cycles/pixel) and the two mean frequencies (cycles/pixel). */
  readonly match: Pick<KernelMatch, 'distance' | 'meanFrequency' | 'targetMeanFrequency'>;
  /** Where the kernel came from: the measured NPS, or the DICOM kernel name when nothing flat could be measured. */
  readonly source: 'measured-nps' | 'kernel-name';
  /** ConvolutionKernel (0018,1210) of the series, when stated. */
  readonly convolutionKernel?: string;
}

/** The {@link LowDoseOptions} of a 'from-full-dose' simulation of this series at dose f. */
export function lowDoseOptionsFor(
  model: SeriesNoiseModel,
  pixelSizeMm: number,
  doseFraction: number,
  seed: number,
  extra: Pick<LowDoseOptions, 'electronicNoiseVariance'> = {},
): LowDoseOptions {
  return {
    doseFraction,
    pixelSizeMm,
    seed,
    mode: 'from-full-dose',
    window: model.kernel.window,
    cutoff: model.kernel.cutoff,
    incidentPhotons: model.incidentPhotons,
    ...extra,
  };
}
