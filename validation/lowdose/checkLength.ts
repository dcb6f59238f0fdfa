import { validationError } from '../errors.js';

/** Throws VAL_ERR_SIZE_MISMATCH unless `array.length === expected`; `what` names the array in the message. */
export function checkLength(fn: string, what: string, array: ArrayLike<number>, expected: number): void {
  if (array.length !== expected) {
    throw validationError('VAL_ERR_SIZE_MISMATCH', `${fn}: ${what}: expected length ${expected}, got ${array.length}`, {
      array: what,
      expected,
      got: array.length,
    });
  }
}
