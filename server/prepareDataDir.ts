import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from './config/index.js';

/**
 * The start-up writes the configuration loader leaves out: creates the data folder and saves a token that
 * loadServerConfig generated to `<dataDir>/token` (mode 600), so a restart keeps it. startServer calls it first.
 */
export function prepareDataDir(config: ServerConfig): void {
  mkdirSync(config.dataDir, { recursive: true });
  if (config.tokenGenerated) writeFileSync(join(config.dataDir, 'token'), `${config.token}\n`, { mode: 0o600 });
}
