import { resolve } from 'node:path';
import { settingsFromEnv, valueOf, type EnvVars } from './readSettings.js';
import type { PacsSourceConfig } from './ServerConfig.js';
import type { LogLevel } from './settings.js';

/** Flags several `gsdiff` commands share. */
export interface CliFlags {
  readonly store?: string;
}

/** What every `gsdiff` command may read, frozen (serve and worker add their own: loadServerConfig, loadWorkerConfig). */
export interface CliConfig {
  /** The local store, resolved: `--store`, else GSDIFF_STORE, else `.gsdiff/store`. */
  readonly storeDir: string;
  readonly logLevel: LogLevel;
  /** `restore`'s pack as given (GSDIFF_PACK, else the default), unresolved: its help shows it. */
  readonly packDir: string;
  /** GSDIFF_SOURCES, for `validate`'s `pacs:` series. */
  readonly sources: readonly PacsSourceConfig[];
}

/**
 * The commands' view of SETTINGS: flags, then `env`, then defaults.
 * @param env - the variables `readEnvironment` returned
 * @throws SRV_ERR_CONFIG naming the variable or flag, the value and what was expected
 */
export function loadCliConfig(flags: CliFlags, env: EnvVars): CliConfig {
  const fromEnv = settingsFromEnv(env);
  return Object.freeze({
    storeDir: resolve(valueOf('storeDir', flags.store, fromEnv)),
    logLevel: valueOf('logLevel', undefined, fromEnv),
    packDir: valueOf('packDir', undefined, fromEnv),
    sources: valueOf('sources', undefined, fromEnv),
  });
}
