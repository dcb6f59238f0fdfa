import type { Rng } from '../../common/index.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { exp, log, sqrt } = Math;

/** Dose and detector model of a simulated acquisition. */
export interface DetectorNoiseModel {
  /** f, fraction of the reference dose, 0 < f <= 1. */
  readonly doseFraction: number;
  /** I0, incident photons per ray (per view and detector bin) at the reference (full) dose. */
  readonly incidentPhotons: number;
  /** σe², variance of the additive electronic noise, in detected-count units². */
  readonly electronicNoiseVariance: number;
  /** Smallest detected count kept before the log, so photon starvation never takes the log of <= 0. */
  readonly countFloor: number;
}

/**
 * Noise of a low-dose transmission measurement, in the line-integral domain, from noise-free line integrals p:
 *   N = Poisson(f·I0·e^{-p}) + N(0, σe²),   N ← max(N, countFloor),   p̃ = -ln(N/(f·I0)),
 * and returns p̃ - p per ray. The log of the Poisson mean term carries the usual small positive bias
 * ≈ 1/(2·f·I0·e^{-p}), which is part of real low-dose data and is kept.
 * @param lineIntegrals - noise-free p per ray (dimensionless)
 * @param model - dose fraction, I0, σe², count floor
 * @param rng - seeded generator; draws per ray in order: one Poisson, one normal
 * @returns p̃ - p, a new array
 */
export function transmissionNoiseSinogram(
  lineIntegrals: Float32Array,
  model: DetectorNoiseModel,
  rng: Rng,
): Float32Array {
  const blank = model.doseFraction * model.incidentPhotons;
  const sigmaE = sqrt(model.electronicNoiseVariance);
  const noise = new Float32Array(lineIntegrals.length);
  for (let r = 0; r < lineIntegrals.length; r++) {
    const p = lineIntegrals[r];
    const mean = blank * exp(-p);
    let counts = rng.poisson(mean) + sigmaE * rng.normal();
    if (counts < model.countFloor) counts = model.countFloor;
    noise[r] = -log(counts / blank) - p;
  }
  return noise;
}
