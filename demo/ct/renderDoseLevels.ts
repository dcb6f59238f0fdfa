import { simulateLowDose, deriveSeed } from '../../validation/index.js';
import { ctPhantomSlice } from '../ctPhantom.js';
import { ctPhantomPixelSpacingMm } from './geometry.js';

/**
 * Reconstruction kernel of the demo's simulated noise: the match `gsdiff noise-check` found for the real GE STANDARD
 * chest series in ../shared/data (RIDER, 0.645 mm pixels, the nearest to the phantom's 0.7 mm), so the demo's noise
 * has the grain of a standard body kernel rather than the coarser texture of a Hann ramp (issue "Step 11").
 */
export const DEMO_NOISE_KERNEL = Object.freeze({ window: 'cosine' as const, cutoff: 1 });
/**
 * I0 of the demo: the sharper kernel passes more noise power, so I0 rises from the simulation's 1e5 to keep the
 * full-dose noise where it was (paraspinal muscle, slice 24 of 48: 13.2 HU with Hann at 1e5, 13.3 HU here).
 */
export const DEMO_INCIDENT_PHOTONS = 1.8e5;

export interface DoseLevelsRequest {
  readonly zIndex: number;
  readonly sliceCount: number;
  readonly size: number;
  readonly seed: number;
  /** Dose fractions to simulate from the noise-free phantom, e.g. [1, 0.25]. */
  readonly doseFractions: readonly number[];
}

export interface DoseLevels {
  readonly zIndex: number;
  /** Noise-free phantom (the ground truth), HU. */
  readonly truth: Float32Array;
  /** One simulated acquisition per requested dose fraction, HU. */
  readonly doses: Float32Array[];
}

/**
 * One phantom slice and its simulated acquisitions: projection-domain Poisson + electronic noise at each dose
 * fraction, reconstructed with {@link DEMO_NOISE_KERNEL}, every level an independent realization (seeded per slice and level, so output is reproducible).
 */
export function renderDoseLevels(r: DoseLevelsRequest): DoseLevels {
  const truth = ctPhantomSlice(r.zIndex, r.sliceCount, r.size);
  const pixelSizeMm = ctPhantomPixelSpacingMm(r.size);
  const doses = r.doseFractions.map((f, level) =>
    simulateLowDose(truth, r.size, {
      doseFraction: f,
      pixelSizeMm,
      mode: 'from-truth',
      window: DEMO_NOISE_KERNEL.window,
      cutoff: DEMO_NOISE_KERNEL.cutoff,
      incidentPhotons: DEMO_INCIDENT_PHOTONS,
      seed: deriveSeed(deriveSeed(r.seed, level), r.zIndex),
    }),
  );
  return { zIndex: r.zIndex, truth, doses };
}
