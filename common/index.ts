export { GsdiffError, describeThrown, errorFactory } from './GsdiffError.js';
export { COMMON_ERRORS, CommonError, commonError } from './errors.js';
export type { CommonErrorCode } from './errors.js';
export type { ErrorSpec, ErrorDetails } from './GsdiffError.js';
export { createConsoleLogger, createLogger, formatLogLine, prettyLogStream } from './logger.js';
export type { Logger } from './logger.js';
export { migrateSchema } from './migrateSchema.js';
export { createRng, deriveSeed } from './random.js';
export type { Rng } from './random.js';
