export { GsdiffError, describeThrown, errorFactory } from './GsdiffError.js';
export type { ErrorSpec, ErrorDetails } from './GsdiffError.js';
export { createLogger } from './logger.js';
export type { Logger } from './logger.js';
export { loadConfig, CONFIG_DEFAULTS } from './config.js';
export type { GsdiffConfig } from './config.js';
export type { FrameHeader } from './frameWire.js';
