import { simulateLowDose, deriveSeed } from '../../validation/index.js';
import { ctPhantomSlice } from '../ctPhantom.js';
import { ctPhantomPixelSpacingMm } from './geometry.js';

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
 * fraction, every level an independent realization (seeded per slice and level, so output is reproducible).
 */
export function renderDoseLevels(r: DoseLevelsRequest): DoseLevels {
  const truth = ctPhantomSlice(r.zIndex, r.sliceCount, r.size);
  const pixelSizeMm = ctPhantomPixelSpacingMm(r.size);
  const doses = r.doseFractions.map((f, level) =>
    simulateLowDose(truth, r.size, {
      doseFraction: f,
      pixelSizeMm,
      mode: 'from-truth',
      seed: deriveSeed(deriveSeed(r.seed, level), r.zIndex),
    }),
  );
  return { zIndex: r.zIndex, truth, doses };
}
