import { errorFactory, GsdiffError, type ErrorSpec } from '../common/index.js';

/**
 * Every error validation/ raises. Messages begin with the function name and read
 * "<fn>: <what failed>: expected X, got Y"; `details` names the option or array so callers never parse messages.
 * The validation/ registry (VAL_ERR_*), mirrored in docs/errors.md.
 */
export const VAL_ERRORS = {
  VAL_ERR_BAD_OPTION: {
    status: 400,
    summary: 'A low-dose simulation, reconstruction or metric option is outside its range.',
  },
  VAL_ERR_SIZE_MISMATCH: {
    status: 400,
    summary: 'An image, mask, sinogram or series length does not match its declared geometry or its counterpart.',
  },
  VAL_ERR_BAD_GEOMETRY: {
    status: 400,
    summary: 'The projection geometry is impossible (no views, detector narrower than the image diagonal).',
  },
  VAL_ERR_BAD_INPUT: { status: 400, summary: 'An input image or sinogram holds a non-finite value.' },
  VAL_ERR_BAD_DATA: {
    status: 422,
    summary: 'An exported data folder (training-data / evaluation clip) is missing, of another format or truncated.',
  },
  VAL_ERR_EMPTY_INPUT: {
    status: 400,
    summary: 'A metric got nothing to measure: no pixels, no frames, no ROIs, or a mask that selects nothing.',
  },
  VAL_ERR_BAD_ROI: {
    status: 400,
    summary: 'A region of interest is empty, not integer, outside the image, or of a size the metric cannot use.',
  },
  VAL_ERR_NO_ROI: {
    status: 422,
    summary: 'No homogeneous region of interest could be placed automatically on the reference image.',
  },
  VAL_ERR_FEW_EDGES: {
    status: 422,
    summary: 'Too few soft-tissue/fat edges were found on the input slices to measure the edge rise distance.',
  },
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
