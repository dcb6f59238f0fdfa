import { loadCliConfig } from '../../server/index.js';
import { importCommand } from '../commands/import.js';
import { commandLogger, type Registration } from './context.js';

/** `gsdiff import <paths...>` */
export const registerImport: Registration = (program, ctx) => {
  program
    .command('import')
    .description(
      'copy DICOM files/folders and capsule video clips (.mp4/.avi/.mkv/.mov) into the local store (sources are never modified)',
    )
    .argument('<paths...>', 'files or folders')
    .option('--store <dir>', 'local store folder (default $GSDIFF_STORE or .gsdiff/store)')
    .option(
      '--frames-tsv <file>',
      'FRAMES.tsv with the run boundaries of capsule clips (default: beside each clip when it lists it, else cuts are detected from the frames)',
    )
    .option('--json', 'machine-readable summary')
    .action(async (paths: string[], opts: { store?: string; framesTsv?: string; json?: boolean }) => {
      const config = loadCliConfig({ store: opts.store }, ctx.env);
      ctx.done(
        await importCommand(
          paths,
          { storeDir: config.storeDir, framesTsv: opts.framesTsv, json: opts.json, logger: commandLogger(config) },
          process.stdout,
        ),
      );
    });
};
