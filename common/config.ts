import { resolve } from 'node:path';

/** Settings every entry point shares. Read once from the environment here and nowhere else, then frozen. */
export interface GsdiffConfig {
  /** Root folder of the embedded local store. */
  readonly storeDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const CONFIG_DEFAULTS: GsdiffConfig = Object.freeze({
  storeDir: '.gsdiff/store',
  logLevel: 'info',
});

/**
 * Builds the frozen configuration: defaults, then GSDIFF_* environment variables, then explicit overrides
 * (command-line flags). Invalid values fail at start-up with the variable named.
 */
export function loadConfig(overrides: Partial<GsdiffConfig> = {}, env: NodeJS.ProcessEnv = process.env): GsdiffConfig {
  const logLevel =
    overrides.logLevel ?? (env.GSDIFF_LOG_LEVEL as GsdiffConfig['logLevel'] | undefined) ?? CONFIG_DEFAULTS.logLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(`config: GSDIFF_LOG_LEVEL is "${logLevel}": expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const storeDir = resolve(overrides.storeDir ?? env.GSDIFF_STORE ?? CONFIG_DEFAULTS.storeDir);
  return Object.freeze({ storeDir, logLevel });
}
