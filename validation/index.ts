export { VAL_ERRORS, ValidationError, validationError } from './errors.js';
export type { ValidationErrorCode } from './errors.js';
export * from './lowdose/index.js';
