import { validationError } from '../errors.js';

// bound once: global lookups are slow inside Jest's vm contexts, and huToMu runs per pixel
const { isFinite } = Number;

/**
 * Linear attenuation of water at the effective energy assumed throughout (~70 keV), in mm^-1. NIST XCOM gives a
 * mass attenuation μ/ρ ≈ 0.192-0.193 cm²/g for water at 70 keV, i.e. μ ≈ 0.0192 mm^-1 at ρ = 1 g/cm³.
 */
export const MU_WATER_PER_MM = 0.0192;

/**
 * HU to linear attenuation: μ = μ_water·(1 + HU/1000), clamped at 0 (HU below -1000, e.g. padding values, are air).
 * @param hu - image in Hounsfield units
 * @param muWaterPerMm - μ_water in mm^-1; default {@link MU_WATER_PER_MM}
 * @returns μ in mm^-1, a new array
 * @throws VAL_ERR_BAD_INPUT when a value is not finite
 */
export function huToMu(hu: Float32Array, muWaterPerMm: number = MU_WATER_PER_MM): Float32Array {
  const mu = new Float32Array(hu.length);
  for (let i = 0; i < hu.length; i++) {
    const value = hu[i];
    if (!isFinite(value)) {
      throw validationError('VAL_ERR_BAD_INPUT', `huToMu: pixel ${i}: expected a finite HU value, got ${value}`, {
        index: i,
      });
    }
    const m = muWaterPerMm * (1 + value / 1000);
    mu[i] = m > 0 ? m : 0;
  }
  return mu;
}

/**
 * Attenuation difference to HU difference: ΔHU = 1000·Δμ/μ_water. Turns a reconstructed noise image into HU
 * (for an absolute μ, subtract 1000 from the result to get HU).
 * @param deltaMu - attenuation (difference) in mm^-1
 * @param muWaterPerMm - μ_water in mm^-1; default {@link MU_WATER_PER_MM}
 * @returns 1000·Δμ/μ_water, a new array
 */
export function muDeltaToHu(deltaMu: Float32Array, muWaterPerMm: number = MU_WATER_PER_MM): Float32Array {
  const out = new Float32Array(deltaMu.length);
  const scale = 1000 / muWaterPerMm;
  for (let i = 0; i < deltaMu.length; i++) out[i] = deltaMu[i] * scale;
  return out;
}
