import { checkCtMapping, checkLength, type CtValueMapping } from './ValueMapping.js';

/**
 * Maps a CT slice in HU to the model's 3-channel range (models/README.md "Value mapping"):
 * x = 2 (HU − low_hu) / (high_hu − low_hu) − 1, clamped to [−1, 1], replicated to 3 channels.
 * Pixels outside the window are clamped here and passed through unchanged by `modelDeltaToHu`.
 * @param hu - H·W values in Hounsfield units, row-major
 * @param H - rows
 * @param W - columns
 * @param mapping - the pack's `mapping.ct`
 * @returns [3, H, W]
 * @throws MODEL_ERR_BAD_OPTION when low_hu >= high_hu
 * @throws MODEL_ERR_BAD_INPUT when `hu` does not hold H·W values
 * @example huToModel(slice, 512, 512, { low_hu: -1024, high_hu: 3071 });
 */
export function huToModel(hu: Float32Array, H: number, W: number, mapping: CtValueMapping): Float32Array {
  checkCtMapping('huToModel', mapping);
  const n = H * W;
  checkLength('huToModel', 'hu', hu, n, `${H}x${W}`);
  const { low_hu: low, high_hu: high } = mapping;
  const k = 2 / (high - low);
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    const x = k * (hu[i] - low) - 1;
    out[i] = x < -1 ? -1 : x > 1 ? 1 : x;
  }
  out.copyWithin(n, 0, n);
  out.copyWithin(2 * n, 0, n);
  return out;
}
