import { checkCtMapping, checkLength, type CtValueMapping } from './ValueMapping.js';

/**
 * Applies the model's change to the original HU values (models/README.md "exact pass-through"):
 * HU_out = HU_in + (mean_c(V_r) − mean_c(V_d)) · (high_hu − low_hu) / 2, computed as the mean of the per-channel
 * differences. Pixels with HU_in outside [low_hu, high_hu] (air outside the field of view, padding, metal) are
 * copied unchanged, and where V_r equals V_d the delta is exactly 0, so the output is the input bit for bit.
 * Rounding to stored values (RescaleSlope/Intercept) is the caller's.
 * @param huIn - the original slice, H·W values in HU
 * @param vDegraded - the model input V_d, [3, H, W] (as `huToModel` made it)
 * @param vRestored - the model output V_r, [3, H, W]
 * @param mapping - the pack's `mapping.ct`
 * @returns H·W values in HU
 * @throws MODEL_ERR_BAD_OPTION when low_hu >= high_hu
 * @throws MODEL_ERR_BAD_INPUT when the lengths disagree
 * @example const hu = modelDeltaToHu(slice, huToModel(slice, H, W, ct), restored, ct);
 */
export function modelDeltaToHu(
  huIn: Float32Array,
  vDegraded: Float32Array,
  vRestored: Float32Array,
  mapping: CtValueMapping,
): Float32Array {
  checkCtMapping('modelDeltaToHu', mapping);
  const n = huIn.length;
  checkLength('modelDeltaToHu', 'vDegraded', vDegraded, 3 * n, `3 x ${n} pixels`);
  checkLength('modelDeltaToHu', 'vRestored', vRestored, 3 * n, `3 x ${n} pixels`);
  const { low_hu: low, high_hu: high } = mapping;
  const k = (high - low) / 2 / 3;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = huIn[i];
    if (!(h >= low && h <= high)) {
      out[i] = h;
      continue;
    }
    const d =
      vRestored[i] -
      vDegraded[i] +
      (vRestored[n + i] - vDegraded[n + i]) +
      (vRestored[2 * n + i] - vDegraded[2 * n + i]);
    out[i] = d === 0 ? h : h + d * k;
  }
  return out;
}
