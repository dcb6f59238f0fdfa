export { VAL_ERRORS, ValidationError, validationError } from './errors.js';
export type { ValidationErrorCode } from './errors.js';
export * from './lowdose/index.js';
export * from './metrics/index.js';
export { readHeldOutCt, readHeldOutClip } from './heldout/readTrainingData.js';
export type { HeldOutCt, HeldOutClip } from './heldout/readTrainingData.js';
export { evaluateCt, evaluateClip } from './heldout/evaluateHeldOut.js';
export type { CtFigures, RgbFigures, Method } from './heldout/evaluateHeldOut.js';
