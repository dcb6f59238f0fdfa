#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { GsdiffError } from '../common/index.js';
import { readEnvironment } from '../server/index.js';
import { EXIT } from './exitCodes.js';
import type { CliContext, Registration } from './register/context.js';
import { registerDemoData } from './register/demoData.js';
import { registerEvaluate } from './register/evaluate.js';
import { registerImport } from './register/import.js';
import { registerInfo } from './register/info.js';
import { registerNoiseCheck } from './register/noiseCheck.js';
import { registerRestore } from './register/restore.js';
import { registerServe } from './register/serve.js';
import { registerTrainingData } from './register/trainingData.js';
import { registerValidate } from './register/validate.js';
import { registerWorker } from './register/worker.js';
import { VERSION } from './version.js';

/** The commands in the order `gsdiff --help` lists them. */
const COMMANDS: readonly Registration[] = [
  registerInfo,
  registerImport,
  registerDemoData,
  registerTrainingData,
  registerNoiseCheck,
  registerEvaluate,
  registerServe,
  registerWorker,
  registerRestore,
  registerValidate,
];

/**
 * `gsdiff` entry point. The GSDIFF_* environment is read and checked once, before any command; each command returns
 * an exit status from EXIT; typed errors (a bad variable included) print their code and message on stderr (no stack),
 * anything else is a bug and prints its stack.
 */
async function main(argv: string[]): Promise<number> {
  let status: number = EXIT.OK;
  try {
    const ctx: CliContext = { env: readEnvironment(), done: (s) => (status = s) };
    const program = new Command()
      .name('gsdiff')
      .description('GSDiff restoration workstation: DICOM in, restored derived DICOM out')
      .version(VERSION)
      .exitOverride()
      .configureOutput({ writeErr: (s) => process.stderr.write(s) });
    for (const register of COMMANDS) register(program, ctx);
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    if (e instanceof GsdiffError) {
      process.stderr.write(`gsdiff: ${e.code}: ${e.message}\n`);
      // Input the command cannot use (a bad file, pack or option) is the caller's to fix; the rest is ours.
      return e.status < 500 ? EXIT.NO_INPUT : EXIT.FAILURE;
    }
    process.stderr.write(`gsdiff: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.FAILURE;
  }
  return status;
}

// A closed pipe (`gsdiff info … | head`) is the reader's choice, not a failure.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
  throw e;
});
process.exitCode = await main(process.argv);
