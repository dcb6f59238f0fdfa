import { loadCliConfig } from '../../server/index.js';
import { trainingDataCommand } from '../commands/trainingData.js';
import { commandLogger, type Registration } from './context.js';
import { doseList, positiveInt, sliceRange } from './options.js';

/** `gsdiff training-data <paths...> --out <dir>` */
export const registerTrainingData: Registration = (program, ctx) => {
  program
    .command('training-data')
    .description(
      'export a CT series with its projection-domain low-dose simulations, or capsule clips, for models/training',
    )
    .argument('<paths...>', 'the files/folder of one CT series, or .mp4 clips (FRAMES.tsv beside them)')
    .requiredOption('--out <dir>', 'output folder (ct/<name>/ or capsule/<clip>/ are written under it)')
    .option('--name <name>', "folder name (default: the first path's base name)")
    .option(
      '--doses <list>',
      'CT: fixed dose fractions with the series own kernel, comma separated (an evaluation export; default: randomised)',
      doseList,
    )
    .option(
      '--realisations <n>',
      'CT: randomised acquisitions (dose 5-100 %, kernel, electronic noise, thickness) when no --doses (default 3)',
      positiveInt,
      3,
    )
    .option('--seed <n>', 'noise seed (default 1)', positiveInt, 1)
    .option('--slices <a-b>', 'CT: 1-based inclusive slice range in position order (default: all)', sliceRange)
    .action(
      async (
        paths: string[],
        opts: {
          out: string;
          name?: string;
          doses?: number[];
          realisations: number;
          seed: number;
          slices?: [number, number];
        },
      ) => {
        const config = loadCliConfig({}, ctx.env);
        ctx.done(await trainingDataCommand(paths, { ...opts, logger: commandLogger(config) }, process.stdout));
      },
    );
};
