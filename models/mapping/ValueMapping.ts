import { modelError } from '../errors.js';

/** CT window mapped linearly to the model range [-1, 1] (pack `mapping.ct`). */
export interface CtValueMapping {
  readonly low_hu: number;
  readonly high_hu: number;
}

/** RGB scaling to the model range, x = v / scale + offset (pack `mapping.rgb`, e.g. 127.5 and -1). */
export interface RgbValueMapping {
  readonly scale: number;
  readonly offset: number;
}

/** Throws MODEL_ERR_BAD_OPTION unless low_hu < high_hu, both finite. */
export function checkCtMapping(fn: string, m: CtValueMapping): void {
  if (!(Number.isFinite(m.low_hu) && Number.isFinite(m.high_hu) && m.low_hu < m.high_hu))
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `${fn}: mapping.ct: expected finite low_hu < high_hu, got ${m.low_hu}, ${m.high_hu}`,
      { option: 'mapping.ct' },
    );
}

/** Throws MODEL_ERR_BAD_OPTION unless scale > 0 and offset is finite. */
export function checkRgbMapping(fn: string, m: RgbValueMapping): void {
  if (!(Number.isFinite(m.scale) && m.scale > 0 && Number.isFinite(m.offset)))
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `${fn}: mapping.rgb: expected finite scale > 0 and offset, got ${m.scale}, ${m.offset}`,
      { option: 'mapping.rgb' },
    );
}

/** Throws MODEL_ERR_BAD_INPUT when an array does not hold `expected` values. */
export function checkLength(fn: string, name: string, arr: ArrayLike<number>, expected: number, shape: string): void {
  if (arr.length !== expected)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `${fn}: ${name}: expected ${expected} values (${shape}), got ${arr.length}`,
      {
        input: name,
      },
    );
}
