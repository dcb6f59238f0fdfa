import { errorFactory, GsdiffError, type ErrorSpec } from '../common/index.js';

/**
 * Every error validation/ raises. Messages begin with the function name and read
 * "<fn>: <what failed>: expected X, got Y"; `details` names the option or array so callers never parse messages.
 * The validation/ registry (VAL_ERR_*), mirrored in docs/errors.md.
 */
export const VAL_ERRORS = {
  VAL_ERR_BAD_OPTION: { status: 400, summary: 'A low-dose simulation or reconstruction option is outside its range.' },
  VAL_ERR_SIZE_MISMATCH: { status: 400, summary: 'An image or sinogram length does not match its declared geometry.' },
  VAL_ERR_BAD_GEOMETRY: {
    status: 400,
    summary: 'The projection geometry is impossible (no views, detector narrower than the image diagonal).',
  },
  VAL_ERR_BAD_INPUT: { status: 400, summary: 'An input image or sinogram holds a non-finite value.' },
} as const satisfies Record<string, ErrorSpec>;

export type ValidationErrorCode = keyof typeof VAL_ERRORS;

export class ValidationError extends GsdiffError {
  declare readonly code: ValidationErrorCode;
}

/**
 * Builds a registry error.
 * @example throw validationError('VAL_ERR_BAD_OPTION', 'simulateLowDose: doseFraction: expected 0 < f <= 1, got 0', { option: 'doseFraction' })
 */
export const validationError = errorFactory<ValidationErrorCode, ValidationError>(VAL_ERRORS, ValidationError);
