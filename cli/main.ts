#!/usr/bin/env node
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { createLogger, GsdiffError, loadConfig } from '../common/index.js';
import { EXIT } from './exitCodes.js';
import { demoDataCommand } from './commands/demoData.js';
import { importCommand } from './commands/import.js';
import { infoCommand } from './commands/info.js';
import { restoreCommand } from './commands/restore.js';
import { serveCommand } from './commands/serve.js';
import { addWorkerCommand } from './commands/worker.js';
import { noiseCheckCommand } from './commands/noiseCheck.js';
import { trainingDataCommand } from './commands/trainingData.js';
import { evaluateCommand } from './commands/evaluate.js';
import { roiOption, validateCommand, windowOption } from './commands/validate.js';
import {
  DEFAULT_STRENGTH,
  DEVICE_REQUESTS,
  isStrength,
  STRENGTH_WEIGHTS,
  STRENGTHS,
  type DeviceRequest,
  type Strength,
} from '../models/index.js';
import { HU_WINDOWS, type HuWindow, type Roi } from '../validation/index.js';
import { VERSION } from './version.js';

/**
 * `gsdiff` entry point. Each command returns an exit status from EXIT; typed errors print their code and
 * message on stderr (no stack), anything else is a bug and prints its stack.
 */
async function main(argv: string[]): Promise<number> {
  let status: number = EXIT.OK;
  const program = new Command()
    .name('gsdiff')
    .description('GSDiff restoration workstation: DICOM in, restored derived DICOM out')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('info')
    .description('summarize the DICOM series in files or folders (geometry, spacing, tilt, issues)')
    .argument('<paths...>', 'files or folders')
    .option('--json', 'machine-readable output')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      status = await infoCommand(paths, opts, process.stdout);
    });
  program
    .command('import')
    .description('copy DICOM files/folders and capsule .mp4 clips into the local store (sources are never modified)')
    .argument('<paths...>', 'files or folders')
    .option('--store <dir>', 'local store folder (default $GSDIFF_STORE or .gsdiff/store)')
    .option('--frames-tsv <file>', 'FRAMES.tsv with the run boundaries of capsule clips (default: beside each clip)')
    .option('--json', 'machine-readable summary')
    .action(async (paths: string[], opts: { store?: string; framesTsv?: string; json?: boolean }) => {
      const config = loadConfig({ storeDir: opts.store });
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
      status = await importCommand(
        paths,
        { storeDir: config.storeDir, framesTsv: opts.framesTsv, json: opts.json, logger },
        process.stdout,
      );
    });
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
        const config = loadConfig({ storeDir: opts.store });
        const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
        status = await demoDataCommand({ ...opts, storeDir: config.storeDir, logger }, process.stdout);
      },
    );
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
        const config = loadConfig({});
        const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
        status = await trainingDataCommand(paths, { ...opts, logger }, process.stdout);
      },
    );
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
        status = EXIT.USAGE;
        return;
      }
      const config = loadConfig({});
      const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
      status = await noiseCheckCommand(paths, { ...opts, logger }, process.stdout);
    });
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
    .option('--pack <dir>', 'a pack to compare (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--device <device>', 'cpu | webgpu | cuda | auto (default cpu)', deviceOption, 'cpu' as DeviceRequest)
    .option('--json-out <file>', 'write every figure as JSON')
    .option('--real <path>', 'a real CT series (folder) restored as is: no-reference noise figures')
    .option('--real-slices <a-b>', '1-based inclusive slice range of --real', sliceRange)
    .option('--png <file>', 'picture of the middle --real slice: input | each pack (W400/L40)')
    .option('--keep-air', 'CT: restore air tiles too (default: they pass through unchanged)')
    .option('--strength <level>', STRENGTH_HELP, strengthOption, DEFAULT_STRENGTH)
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
      }) => {
        const config = loadConfig({});
        const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
        status = await evaluateCommand({ ...opts, packs: opts.pack, logger }, process.stdout);
      },
    );
  program
    .command('serve')
    .description('start the workstation: API, DICOMweb, job websocket and viewer on the local store')
    .option('--port <n>', 'HTTP port (default 8470, or GSDIFF_PORT)', nonNegativeInt)
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'folder for the store, job database and audit log (default .gsdiff, or GSDIFF_DATA)')
    .option('--pack <dir>', 'model pack (default models/packs/gsdiff-s, or GSDIFF_PACK)')
    .option('--device <device>', `execution provider: ${DEVICE_REQUESTS.join(' | ')}`, deviceOption)
    .option('--no-demo', 'do not generate demo data into an empty store')
    .option(
      '--queue <url>',
      'scale out: jobs go to this Redis queue (redis://…) for `gsdiff worker`s (or GSDIFF_QUEUE)',
    )
    .action(
      async (opts: {
        port?: number;
        host?: string;
        data?: string;
        pack?: string;
        device?: DeviceRequest;
        demo?: boolean;
        queue?: string;
      }) => {
        const config = loadConfig();
        status = await serveCommand({ ...opts }, createLogger(config.logLevel), process.stdout);
      },
    );
  addWorkerCommand(program, (s) => (status = s));
  program
    .command('restore')
    .description('restore a series with GSDiff and write it as a derived series (into the store, or --out)')
    .argument('<paths...>', 'DICOM files/folders of one series, or a capsule .mp4 clip')
    .option(
      '--pack <dir>',
      'model pack folder (default $GSDIFF_PACK or models/packs/gsdiff-s)',
      process.env.GSDIFF_PACK ?? 'models/packs/gsdiff-s',
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
          json?: boolean;
        },
      ) => {
        const config = loadConfig({ storeDir: opts.store });
        const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
        status = await restoreCommand(
          paths,
          { ...opts, storeDir: config.storeDir, vlmTimeoutMs: opts.vlmTimeout, logger },
          process.stdout,
        );
      },
    );
  program
    .command('validate')
    .description(
      'side-by-side validation: the input and each pack or restored series against a reference (paired) or alone; HTML report, CSV, JSON',
    )
    .option(
      '--reference <series>',
      'full-dose / sharp reference: folder, file, .mp4, store:<uid>, pacs:<source>/<study>/<series>',
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
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option(
      '--test <name=series>',
      'a series restored elsewhere, e.g. gsdiff=store:<uid> (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
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
        const config = loadConfig({ storeDir: opts.store });
        const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
        status = await validateCommand(
          { ...opts, packs: opts.pack, tests: opts.test, noiseRois: opts.noiseRoi, storeDir: config.storeDir, logger },
          process.stdout,
        );
      },
    );
  try {
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

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, got "${v}"`);
  return n;
}

function deviceOption(v: string): DeviceRequest {
  if (!(DEVICE_REQUESTS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`expected one of ${DEVICE_REQUESTS.join(', ')}, got "${v}"`);
  return v as DeviceRequest;
}

/** `--strength`: every pack's output blended with its input (models/README.md "Strength"). */
const STRENGTH_HELP = `restoration strength: ${STRENGTHS.map((s) => `${s} (blend ${STRENGTH_WEIGHTS[s]})`).join(', ')}`;

function strengthOption(v: string): Strength {
  if (!isStrength(v)) throw new InvalidArgumentError(`expected one of ${STRENGTHS.join(', ')}, got "${v}"`);
  return v;
}

function img2imgStrengthOption(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError(`expected 0 < img2img strength <= 1, got "${v}"`);
  return n;
}

function sliceRange(v: string): [number, number] {
  const m = /^(\d+)-(\d+)$/.exec(v.trim());
  if (!m || Number(m[1]) < 1 || Number(m[2]) < Number(m[1]))
    throw new InvalidArgumentError(`expected a 1-based range a-b with a <= b, got ${v}`);
  return [Number(m[1]), Number(m[2])];
}

function doseList(v: string): number[] {
  return v.split(',').map((x) => doseFraction(x.trim()));
}

function doseFraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`expected a fraction 0 < f < 1, got "${v}"`);
  return n;
}

// A closed pipe (`gsdiff info … | head`) is the reader's choice, not a failure.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
  throw e;
});
process.exitCode = await main(process.argv);
