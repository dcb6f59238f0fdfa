import type { Rng } from '../../common/index.js';
import type { DetectorNoiseModel } from './transmissionNoise.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { exp, max, sqrt } = Math;

/**
 * Variance to add to the log-domain line integral p of a full-dose scan so that it matches a scan at dose
 * fraction f (Yu L. et al. 2012, "Development and validation of a practical lower-dose simulation tool for
 * multidetector CT", Med Phys 39(5):2756-2761, eq. for σ_a²):
 *   σ_add² = ((1 - f)/f) · (e^p / I0) · (1 + ((1 + f)/f) · σe² · e^p / I0).
 * It is the difference between the low-dose and full-dose log-domain variances e^p/(f·I0)·(1 + σe²·e^p/(f·I0))
 * and e^p/I0·(1 + σe²·e^p/I0) of a Poisson-plus-Gaussian detector.
 * @param p - line integral of the full-dose scan
 * @param doseFraction - f, 0 < f <= 1
 * @param incidentPhotons - I0 per ray at full dose
 * @param electronicNoiseVariance - σe²
 */
export function yuAddedVariance(
  p: number,
  doseFraction: number,
  incidentPhotons: number,
  electronicNoiseVariance: number,
): number {
  const f = doseFraction;
  const ePOverI0 = exp(p) / incidentPhotons;
  return ((1 - f) / f) * ePOverI0 * (1 + ((1 + f) / f) * electronicNoiseVariance * ePOverI0);
}

/**
 * Gaussian noise sinogram with the per-ray variance of {@link yuAddedVariance}: n = σ_add(p)·z, z ~ N(0, 1).
 * Line integrals below 0 (negative noise on air rays) are treated as 0.
 * @param lineIntegrals - p of the full-dose scan per ray
 * @param model - dose fraction, I0, σe² (countFloor unused)
 * @param rng - seeded generator; one normal draw per ray, in order
 * @returns noise to add to p, a new array
 */
export function yuNoiseSinogram(lineIntegrals: Float32Array, model: DetectorNoiseModel, rng: Rng): Float32Array {
  const noise = new Float32Array(lineIntegrals.length);
  for (let r = 0; r < lineIntegrals.length; r++) {
    const p = max(0, lineIntegrals[r]);
    const variance = yuAddedVariance(p, model.doseFraction, model.incidentPhotons, model.electronicNoiseVariance);
    noise[r] = sqrt(variance) * rng.normal();
  }
  return noise;
}
