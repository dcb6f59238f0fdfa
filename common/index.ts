export { GsdiffError, describeThrown } from './GsdiffError.js';
export type { ErrorSpec, ErrorDetails } from './GsdiffError.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
