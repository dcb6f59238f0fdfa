import { checkLength, checkRgbMapping, type RgbValueMapping } from './ValueMapping.js';

/**
 * Maps an interleaved 8-bit RGB frame to the model range, planar (models/README.md "Value mapping"):
 * x = v / scale + offset per channel (127.5 and −1 map 0..255 to [−1, 1]).
 * @param rgb - H·W·3 bytes, interleaved R, G, B, row-major
 * @param H - rows
 * @param W - columns
 * @param mapping - the pack's `mapping.rgb`
 * @returns [3, H, W]
 * @throws MODEL_ERR_BAD_OPTION when scale <= 0
 * @throws MODEL_ERR_BAD_INPUT when `rgb` does not hold H·W·3 bytes
 * @example rgbToModel(frame, 336, 336, { scale: 127.5, offset: -1 });
 */
export function rgbToModel(rgb: Uint8Array, H: number, W: number, mapping: RgbValueMapping): Float32Array {
  checkRgbMapping('rgbToModel', mapping);
  const n = H * W;
  checkLength('rgbToModel', 'rgb', rgb, 3 * n, `${H}x${W}x3`);
  const { scale, offset } = mapping;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[i] = rgb[3 * i] / scale + offset;
    out[n + i] = rgb[3 * i + 1] / scale + offset;
    out[2 * n + i] = rgb[3 * i + 2] / scale + offset;
  }
  return out;
}
