import { DEFAULT_STRENGTH, DEVICE_REQUESTS, type DeviceRequest, type Strength } from '../../models/index.js';
import type { DerivedVideoEncoding } from '../../pacs-adapters/index.js';
import { loadCliConfig } from '../../server/index.js';
import { restoreCommand } from '../commands/restore.js';
import { commandLogger, type Registration } from './context.js';
import {
  deviceOption,
  img2imgStrengthOption,
  positiveInt,
  STRENGTH_HELP,
  strengthOption,
  videoOption,
} from './options.js';

/** `gsdiff restore <paths...>` */
export const registerRestore: Registration = (program, ctx) => {
  program
    .command('restore')
    .description('restore a series with GSDiff and write it as a derived series (into the store, or --out)')
    .argument('<paths...>', 'DICOM files/folders of one series, or a capsule video clip (.mp4/.avi/.mkv/.mov)')
    .option(
      '--pack <dir>',
      'model pack folder (default $GSDIFF_PACK or models/packs/gsdiff-t)',
      loadCliConfig({}, ctx.env).packDir,
    )
    .option('--device <device>', `execution provider: ${DEVICE_REQUESTS.join(' | ')}`, deviceOption, 'cpu')
    .option('--out <dir>', 'write the derived series under this folder instead of the local store')
    .option('--store <dir>', 'local store folder (default $GSDIFF_STORE or .gsdiff/store)')
    .option('--series <uid>', 'SeriesInstanceUID to restore when the paths hold several series')
    .option('--frames <a-b>', '1-based range of images to restore (whole instances)')
    .option('--steps <n>', "DDIM steps (default: the pack's)", positiveInt)
    .option('--strength <level>', STRENGTH_HELP, strengthOption, DEFAULT_STRENGTH)
    .option(
      '--img2img-strength <s>',
      "GSDiff DDIM start: 1 = from noise; < 1 = from the noised degraded latent (default: the pack's)",
      img2imgStrengthOption,
    )
    .option('--seed <n>', 'noise seed (default 1)', positiveInt, 1)
    .option('--degradation <text>', 'degradation text instead of recognising it')
    .option('--vlm-url <url>', 'OpenAI-compatible vision-language server for degradation recognition')
    .option('--vlm-model <name>', 'model name for the VLM server')
    .option('--vlm-timeout <ms>', 'VLM timeout before falling back (default 10000)', positiveInt, 10000)
    .option('--keep-air', 'CT: restore air tiles too (default: air outside the patient passes through unchanged)')
    .option(
      '--video <encoding>',
      'RGB series (endoscopy, capsule): write the derived series as h264 | hevc video, lossy and recorded so (default: lossless)',
      videoOption,
    )
    .option('--json', 'machine-readable summary')
    .action(
      async (
        paths: string[],
        opts: {
          pack: string;
          device: DeviceRequest;
          out?: string;
          store?: string;
          series?: string;
          frames?: string;
          steps?: number;
          strength: Strength;
          img2imgStrength?: number;
          seed: number;
          degradation?: string;
          vlmUrl?: string;
          vlmModel?: string;
          vlmTimeout: number;
          keepAir?: boolean;
          video?: DerivedVideoEncoding;
          json?: boolean;
        },
      ) => {
        const config = loadCliConfig({ store: opts.store }, ctx.env);
        ctx.done(
          await restoreCommand(
            paths,
            { ...opts, storeDir: config.storeDir, vlmTimeoutMs: opts.vlmTimeout, logger: commandLogger(config) },
            process.stdout,
          ),
        );
      },
    );
};
