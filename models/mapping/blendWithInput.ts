import { modelError } from '../errors.js';
import { checkLength } from './ValueMapping.js';

/**
 * Blends a restored frame with its input in stored units (models/README.md "Strength"):
 * out = input + w · (restored − input). CT (HU, float) is blended in float; RGB bytes are blended in float, then
 * rounded (Math.round: halves up) and clamped to 0..255. w = 1 returns `restored` itself (the unblended output, bit
 * for bit); w = 0 would return the input. Where the pipeline left a value unchanged (CT pass-through outside the
 * window, air tiles) the output is the input exactly, whatever w.
 * @param input - the frame the pipeline was given (HU, or H·W·3 interleaved bytes)
 * @param restored - the pipeline's output for it, same kind and length
 * @param weight - w in [0, 1]
 * @returns a new array of the input's kind (or `restored` when w = 1)
 * @throws MODEL_ERR_BAD_OPTION when w is not a number in [0, 1]
 * @throws MODEL_ERR_BAD_INPUT when the lengths or kinds disagree
 * @example const out = blendWithInput(hu, restoredHu, STRENGTH_WEIGHTS.medium);
 */
export function blendWithInput(input: Float32Array, restored: Float32Array, weight: number): Float32Array;
export function blendWithInput(input: Uint8Array, restored: Uint8Array, weight: number): Uint8Array;
export function blendWithInput(
  input: Float32Array | Uint8Array,
  restored: Float32Array | Uint8Array,
  weight: number,
): Float32Array | Uint8Array;
export function blendWithInput(
  input: Float32Array | Uint8Array,
  restored: Float32Array | Uint8Array,
  weight: number,
): Float32Array | Uint8Array {
  if (!(typeof weight === 'number' && weight >= 0 && weight <= 1))
    throw modelError('MODEL_ERR_BAD_OPTION', `blendWithInput: weight: expected a number in [0, 1], got ${weight}`, {
      option: 'strength',
    });
  const rgb = input instanceof Uint8Array;
  if (rgb !== restored instanceof Uint8Array)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `blendWithInput: restored: expected ${rgb ? 'RGB bytes' : 'float values'} like the input, got ${rgb ? 'float values' : 'RGB bytes'}`,
      { input: 'restored' },
    );
  checkLength('blendWithInput', 'restored', restored, input.length, 'the input frame');
  if (weight === 1) return restored;
  const n = input.length;
  if (!rgb) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = input[i] + weight * (restored[i] - input[i]);
    return out;
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.round(input[i] + weight * (restored[i] - input[i]));
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
