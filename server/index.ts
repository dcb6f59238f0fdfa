export { SRV_ERRORS, ServerError, serverError } from './errors.js';
export type { ServerErrorCode } from './errors.js';
export { loadServerConfig, SERVER_DEFAULTS } from './config.js';
export type { ServeFlags } from './config.js';
export type { ServerConfig, PacsSourceConfig } from './ServerConfig.js';
export { createApp } from './app.js';
export { startServer } from './startServer.js';
export type { RunningServer } from './startServer.js';
