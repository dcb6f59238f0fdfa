import { DEFAULT_STRENGTH, DEVICE_REQUESTS, type DeviceRequest, type Strength } from '../../models/index.js';
import { loadCliConfig } from '../../server/index.js';
import { HU_WINDOWS, type HuWindow, type Roi } from '../../validation/index.js';
import { roiOption, validateCommand, windowOption } from '../commands/validate.js';
import { commandLogger, type Registration } from './context.js';
import {
  deviceOption,
  doseFraction,
  positiveInt,
  repeatable,
  sliceRange,
  STRENGTH_HELP,
  strengthOption,
} from './options.js';

/** `gsdiff validate` */
export const registerValidate: Registration = (program, ctx) => {
  program
    .command('validate')
    .description(
      'side-by-side validation: the input and each pack or restored series against a reference (paired) or alone; HTML report, CSV, JSON',
    )
    .option(
      '--reference <series>',
      'full-dose / sharp reference: folder, file, video clip (.mp4/.avi/.mkv/.mov), store:<uid>, pacs:<source>/<study>/<series>',
    )
    .option(
      '--input <series>',
      'the degraded series the methods restore (same forms); default with --simulate-dose: the reference',
    )
    .option(
      '--simulate-dose <f>',
      'make the input from the reference with the projection-domain low-dose simulation',
      doseFraction,
    )
    .option(
      '--pack <dir>',
      'a pack run through the runtime (repeatable): GSDiff, denoiser or filter (models/packs/bilateral)',
      repeatable,
      [] as string[],
    )
    .option(
      '--test <name=series>',
      'a series restored elsewhere, e.g. gsdiff=store:<uid> (repeatable)',
      repeatable,
      [] as string[],
    )
    .option('--frames <a-b>', '1-based inclusive frame range of every series (default: all)', sliceRange)
    .option(
      '--device <device>',
      `execution provider for network packs: ${DEVICE_REQUESTS.join(' | ')}`,
      deviceOption,
      'cpu' as DeviceRequest,
    )
    .option('--seed <n>', 'seed of the simulation and the diffusion noise (default 1)', positiveInt, 1)
    .option('--strength <level>', STRENGTH_HELP, strengthOption, DEFAULT_STRENGTH)
    .option(
      '--noise-roi <x,y,w,h>',
      'homogeneous ROI for noise SD and NPS (repeatable; default: placed automatically)',
      (v: string, acc: Roi[]) => [...acc, roiOption(v)],
      [] as Roi[],
    )
    .option(
      '--cnr-signal <x,y,w,h>',
      'CNR signal ROI (with --cnr-background; default: placed automatically)',
      roiOption,
    )
    .option('--cnr-background <x,y,w,h>', 'CNR background ROI', roiOption)
    .option(
      '--window <name|C/W>',
      'window of the image strips: metric, chest, abdomen, neuro or C/W (default abdomen)',
      windowOption,
      HU_WINDOWS.abdomen,
    )
    .option('--strip-frames <list>', '1-based frames shown as image strips (default: the middle one)', (v: string) =>
      v.split(',').map((x) => positiveInt(x.trim())),
    )
    .option('--nps-roi <n>', 'NPS ROI side, a power of two (default 64, 32 for frames under 256)', positiveInt)
    .option('--out <dir>', 'report folder (default validation-report)', 'validation-report')
    .option('--store <dir>', 'local store folder for store: series (default $GSDIFF_STORE or .gsdiff/store)')
    .option('--json', 'machine-readable summary')
    .action(
      async (opts: {
        reference?: string;
        input?: string;
        simulateDose?: number;
        pack: string[];
        test: string[];
        frames?: [number, number];
        device: DeviceRequest;
        seed: number;
        strength: Strength;
        noiseRoi: Roi[];
        cnrSignal?: Roi;
        cnrBackground?: Roi;
        window: HuWindow;
        stripFrames?: number[];
        npsRoi?: number;
        out: string;
        store?: string;
        json?: boolean;
      }) => {
        const config = loadCliConfig({ store: opts.store }, ctx.env);
        ctx.done(
          await validateCommand(
            {
              ...opts,
              packs: opts.pack,
              tests: opts.test,
              noiseRois: opts.noiseRoi,
              storeDir: config.storeDir,
              sources: config.sources,
              logger: commandLogger(config),
            },
            process.stdout,
          ),
        );
      },
    );
};
