export { SRV_ERRORS, ServerError, serverError } from './errors.js';
export type { ServerErrorCode } from './errors.js';
export {
  LOG_LEVELS,
  SETTINGS,
  loadCliConfig,
  loadServerConfig,
  loadWorkerConfig,
  readEnvironment,
} from './config/index.js';
export type {
  CliConfig,
  CliFlags,
  EnvVars,
  Kind,
  LogLevel,
  PacsSourceConfig,
  ServeFlags,
  ServerConfig,
  Setting,
  Settings,
  WorkerConfig,
  WorkerFlags,
} from './config/index.js';
export { prepareDataDir } from './prepareDataDir.js';
export { startWorker } from './startWorker.js';
export type { RunningWorker } from './startWorker.js';
export { sourceAdapters } from './sourceAdapters.js';
export { redactUrl } from './jobs/index.js';
export { createApp } from './app.js';
export { startServer } from './startServer.js';
export type { RunningServer } from './startServer.js';
