import { checkLength, checkRgbMapping, type RgbValueMapping } from './ValueMapping.js';

const round = Math.round;

/**
 * Applies the model's change to the original 8-bit values, per channel (models/README.md "Value mapping"):
 * v_out = clamp(round(v_in + (V_r − V_d) · scale), 0, 255). Where V_r equals V_d the output is the input.
 * @param rgbIn - the original frame, H·W·3 bytes interleaved
 * @param vDegraded - the model input V_d, [3, H, W] (as `rgbToModel` made it)
 * @param vRestored - the model output V_r, [3, H, W]
 * @param mapping - the pack's `mapping.rgb`
 * @returns H·W·3 bytes interleaved
 * @throws MODEL_ERR_BAD_OPTION when scale <= 0
 * @throws MODEL_ERR_BAD_INPUT when the lengths disagree
 * @example const out = modelDeltaToRgb(frame, rgbToModel(frame, H, W, rgb), restored, rgb);
 */
export function modelDeltaToRgb(
  rgbIn: Uint8Array,
  vDegraded: Float32Array,
  vRestored: Float32Array,
  mapping: RgbValueMapping,
): Uint8Array {
  checkRgbMapping('modelDeltaToRgb', mapping);
  const len = rgbIn.length;
  checkLength('modelDeltaToRgb', 'rgbIn', rgbIn, len - (len % 3), 'a multiple of 3');
  const n = len / 3;
  checkLength('modelDeltaToRgb', 'vDegraded', vDegraded, len, `3 x ${n} pixels`);
  checkLength('modelDeltaToRgb', 'vRestored', vRestored, len, `3 x ${n} pixels`);
  const scale = mapping.scale;
  const out = new Uint8Array(len);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++) {
      const v = round(rgbIn[3 * i + c] + (vRestored[c * n + i] - vDegraded[c * n + i]) * scale);
      out[3 * i + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  return out;
}
