import type { Command } from 'commander';
import { createLogger, type Logger } from '../../common/index.js';
import type { CliConfig, EnvVars } from '../../server/index.js';

/** What main.ts hands every registration. */
export interface CliContext {
  /** The GSDIFF_* variables, read and checked once at start-up (server/ `readEnvironment`). */
  readonly env: EnvVars;
  /** Records the command's exit status; main returns it. */
  readonly done: (status: number) => void;
}

/** Adds one command, its options, help texts and action, to the program. */
export type Registration = (program: Command, ctx: CliContext) => void;

/** A command's logger: the default level `info` becomes `warn`, so log lines do not bury the command's own output. */
export function commandLogger(config: CliConfig): Logger {
  return createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
}
