import { loadCliConfig } from '../../server/index.js';
import { demoDataCommand } from '../commands/demoData.js';
import { commandLogger, type Registration } from './context.js';
import { doseFraction, nonNegativeInt, positiveInt } from './options.js';

/** `gsdiff demo-data` */
export const registerDemoData: Registration = (program, ctx) => {
  program
    .command('demo-data')
    .description(
      "generate the project's demo studies (CT phantom at normal and low dose, endoscopy-like sequence) into the store",
    )
    .option('--store <dir>', 'local store folder (default $GSDIFF_STORE or .gsdiff/store)')
    .option('--slices <n>', 'CT slices (default 48)', positiveInt)
    .option('--dose <fraction>', 'dose fraction of the low-dose series (default 0.25)', doseFraction)
    .option('--frames <n>', 'endoscopy frames (default 48)', positiveInt)
    .option('--seed <n>', 'random seed (default 1)', positiveInt)
    .option('--workers <n>', 'worker threads for the CT simulation (default: up to 2)', nonNegativeInt)
    .option('--json', 'machine-readable summary')
    .action(
      async (opts: {
        store?: string;
        slices?: number;
        dose?: number;
        frames?: number;
        seed?: number;
        workers?: number;
        json?: boolean;
      }) => {
        const config = loadCliConfig({ store: opts.store }, ctx.env);
        ctx.done(
          await demoDataCommand({ ...opts, storeDir: config.storeDir, logger: commandLogger(config) }, process.stdout),
        );
      },
    );
};
