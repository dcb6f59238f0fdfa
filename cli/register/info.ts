import { infoCommand } from '../commands/info.js';
import type { Registration } from './context.js';

/** `gsdiff info <paths...>` */
export const registerInfo: Registration = (program, ctx) => {
  program
    .command('info')
    .description(
      'summarize the DICOM series in files or folders, and capsule video clips as they would import (geometry, spacing, tilt, runs, issues)',
    )
    .argument('<paths...>', 'files or folders')
    .option('--json', 'machine-readable output')
    .action(async (paths: string[], opts: { json?: boolean }) => {
      ctx.done(await infoCommand(paths, opts, process.stdout));
    });
};
