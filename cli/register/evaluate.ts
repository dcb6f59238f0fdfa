import { DEFAULT_STRENGTH, type Branches, type DeviceRequest, type Strength } from '../../models/index.js';
import { loadCliConfig } from '../../server/index.js';
import { evaluateCommand } from '../commands/evaluate.js';
import { commandLogger, type Registration } from './context.js';
import {
  branchList,
  deviceOption,
  doseList,
  positiveInt,
  repeatable,
  sliceRange,
  startTimestepList,
  STRENGTH_HELP,
  strengthList,
  strengthOption,
} from './options.js';

/** `gsdiff evaluate` */
export const registerEvaluate: Registration = (program, ctx) => {
  program
    .command('evaluate')
    .description(
      'held-out comparison (docs/RESULTS.md): input vs packs on simulated low-dose CT and degraded capsule frames',
    )
    .option('--data <dir>', 'training-data export folder (default .cache/training)', '.cache/training')
    .option('--ct <name>', 'held-out CT series folder under <data>/ct')
    .option('--slices <a-b>', '1-based inclusive slice range (default: all)', sliceRange)
    .option('--doses <list>', 'dose fractions exported for the series (default 0.25,0.1)', doseList, [0.25, 0.1])
    .option('--clip <name>', 'evaluation clip under <data>/eval (models/training/make_eval_clip.py)')
    .option('--frames <n>', 'capsule frames (default 36)', positiveInt, 36)
    .option('--pack <dir>', 'a pack to compare (repeatable)', repeatable, [] as string[])
    .option('--device <device>', 'cpu | webgpu | cuda | auto (default cpu)', deviceOption, 'cpu' as DeviceRequest)
    .option('--json-out <file>', 'write every figure as JSON')
    .option('--real <path>', 'a real CT series (folder) restored as is: no-reference noise figures')
    .option('--real-slices <a-b>', '1-based inclusive slice range of --real', sliceRange)
    .option('--png <file>', 'picture of the middle --real slice: input | each pack (W400/L40)')
    .option('--keep-air', 'CT: restore air tiles too (default: they pass through unchanged)')
    .option('--strength <level>', STRENGTH_HELP, strengthOption, DEFAULT_STRENGTH)
    .option(
      '--branches <list>',
      'GSDiff packs: ablation rows, of full, trn-only (no diffusion branch), diffusion-only (no TRN) (default full)',
      branchList,
    )
    .option(
      '--start-timesteps <list>',
      "GSDiff packs: also run one step from these start timesteps (integers, or 'matched') (default: the pack's own)",
      startTimestepList,
    )
    .option(
      '--strengths <list>',
      'every pack at each of these strengths (rows "<pack> <level>"), e.g. low,medium,high',
      strengthList,
    )
    .option('--strength-plot <file>', 'with --real and --strengths: SVG of noise SD and edge rise vs strength')
    .action(
      async (opts: {
        data: string;
        ct?: string;
        slices?: [number, number];
        doses: number[];
        clip?: string;
        frames: number;
        pack: string[];
        device: DeviceRequest;
        jsonOut?: string;
        real?: string;
        realSlices?: [number, number];
        png?: string;
        keepAir?: boolean;
        strength: Strength;
        branches?: Branches[];
        startTimesteps?: (number | 'matched')[];
        strengths?: Strength[];
        strengthPlot?: string;
      }) => {
        const config = loadCliConfig({}, ctx.env);
        ctx.done(await evaluateCommand({ ...opts, packs: opts.pack, logger: commandLogger(config) }, process.stdout));
      },
    );
};
