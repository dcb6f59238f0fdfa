import { errorFactory, GsdiffError, type ErrorSpec } from '../common/index.js';

/**
 * Every error demo/ raises. Messages begin with the function name and read "<fn>: <what>: expected X, got Y".
 * Mirrored in docs/errors.md.
 */
export const DEMO_ERRORS = {
  DEMO_ERR_BAD_ARGUMENT: {
    status: 400,
    summary: 'A synthetic-data generator was called with an out-of-range argument.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type DemoErrorCode = keyof typeof DEMO_ERRORS;

export class DemoError extends GsdiffError {
  declare readonly code: DemoErrorCode;
}

/**
 * Builds a registry error.
 * @example throw demoError('DEMO_ERR_BAD_ARGUMENT', 'ctPhantomSlice: zIndex: expected 0..47, got 48', { argument: 'zIndex' })
 */
export const demoError = errorFactory<DemoErrorCode, DemoError>(DEMO_ERRORS, DemoError);

/** Throws DEMO_ERR_BAD_ARGUMENT unless `value` is an integer in [min, max]. */
export function checkIntegerArgument(fn: string, name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw demoError('DEMO_ERR_BAD_ARGUMENT', `${fn}: ${name}: expected an integer in ${min}..${max}, got ${value}`, {
      argument: name,
    });
  }
}
