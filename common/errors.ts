import { errorFactory, GsdiffError, type ErrorSpec } from './GsdiffError.js';

/**
 * Every error common/ raises. Messages begin with the function name and read "<fn>: <what>: expected X, got Y";
 * `details.argument` names the argument. Mirrored in docs/errors.md.
 */
export const COMMON_ERRORS = {
  COMMON_ERR_BAD_ARGUMENT: {
    status: 400,
    summary:
      'The seeded random generator got a seed or stream index that is not a safe integer, or a bad Poisson mean.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type CommonErrorCode = keyof typeof COMMON_ERRORS;

export class CommonError extends GsdiffError {
  declare readonly code: CommonErrorCode;
}

/**
 * Builds a registry error.
 * @example throw commonError('COMMON_ERR_BAD_ARGUMENT', 'createRng: seed: expected a safe integer, got 1.5', { argument: 'seed' })
 */
export const commonError = errorFactory<CommonErrorCode, CommonError>(COMMON_ERRORS, CommonError);
