import type { RampWindow } from './rampFilter.js';

/**
 * How the input image relates to the dose:
 * - 'from-truth': the input is noise-free (a phantom); the full low-dose measurement (Poisson + electronic noise)
 *   is simulated from its projections.
 * - 'from-full-dose': the input already carries full-dose noise; only the extra noise of Yu et al. 2012 is added.
 */
export type LowDoseMode = 'from-truth' | 'from-full-dose';

/** Options of `simulateLowDose`. Required fields have no safe default; the rest default as documented. */
export interface LowDoseOptions {
  /** f, simulated dose as a fraction of the reference dose, 0 < f <= 1. */
  readonly doseFraction: number;
  /** Pixel side in mm (in-plane spacing of the slice). */
  readonly pixelSizeMm: number;
  /** Seed of the noise draws; same seed, same output. */
  readonly seed: number;
  /** See {@link LowDoseMode}. */
  readonly mode: LowDoseMode;
  /** I0, incident photons per ray (per view and detector bin) at full dose; default 1e5. */
  readonly incidentPhotons?: number;
  /** σe², electronic noise variance in count units²; default 10. */
  readonly electronicNoiseVariance?: number;
  /** Floor on detected counts before the log ('from-truth'); default 1. */
  readonly countFloor?: number;
  /** μ_water in mm^-1 at the effective energy; default 0.0192 (~70 keV). */
  readonly muWaterPerMm?: number;
  /** Views over 180 degrees; default 720. */
  readonly viewCount?: number;
  /** Ramp apodization of the noise reconstruction; default 'hann' (closest to a standard soft-tissue kernel). */
  readonly window?: RampWindow;
  /** Ramp cutoff as a fraction of Nyquist, (0, 1]; default 1. */
  readonly cutoff?: number;
}
