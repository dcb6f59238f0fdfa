import { loadCliConfig } from '../../server/index.js';
import { noiseCheckCommand } from '../commands/noiseCheck.js';
import { EXIT } from '../exitCodes.js';
import { commandLogger, type Registration } from './context.js';
import { positiveInt } from './options.js';

/** `gsdiff noise-check [paths...]` */
export const registerNoiseCheck: Registration = (program, ctx) => {
  program
    .command('noise-check')
    .description(
      "noise realism: each CT series' own noise vs the noise the low-dose simulation inserts (NPS, SD, dose law)",
    )
    .argument('[paths...]', 'CT series folders (one series per argument)')
    .option('--lcd <dir>', 'also check against the FDA LCD-CT dose-level set (ct-lcd-simulated-dose-levels)')
    .option('--out <dir>', 'write report.html (NPS plots) and result.json there')
    .option('--json', 'machine-readable output')
    .option('--seed <n>', 'noise seed (default 20261207)', positiveInt, 20261207)
    .action(async (paths: string[], opts: { lcd?: string; out?: string; json?: boolean; seed: number }) => {
      if (paths.length === 0 && !opts.lcd) {
        process.stderr.write('gsdiff noise-check: expected CT series paths or --lcd <dir>\n');
        ctx.done(EXIT.USAGE);
        return;
      }
      const config = loadCliConfig({}, ctx.env);
      ctx.done(await noiseCheckCommand(paths, { ...opts, logger: commandLogger(config) }, process.stdout));
    });
};
