import { createConsoleLogger } from '../../common/index.js';
import { DEVICE_REQUESTS, type DeviceRequest } from '../../models/index.js';
import { loadCliConfig } from '../../server/index.js';
import { serveCommand } from '../commands/serve.js';
import type { Registration } from './context.js';
import { deviceOption, nonNegativeInt } from './options.js';

/** `gsdiff serve` */
export const registerServe: Registration = (program, ctx) => {
  program
    .command('serve')
    .description('start the workstation: API, DICOMweb, job websocket and viewer on the local store')
    .option('--port <n>', 'HTTP port (default 8470, or GSDIFF_PORT)', nonNegativeInt)
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--data <dir>', 'folder for the store, job database and audit log (default .gsdiff, or GSDIFF_DATA)')
    .option('--pack <dir>', 'model pack (default models/packs/gsdiff-t, or GSDIFF_PACK)')
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
        const config = loadCliConfig({}, ctx.env);
        // Commander sets `demo` to true when --no-demo is absent; only the flag itself may override GSDIFF_DEMO.
        const { demo, ...flags } = opts;
        ctx.done(
          await serveCommand(
            { ...flags, ...(demo === false ? { demo } : {}) },
            ctx.env,
            createConsoleLogger(config.logLevel),
            process.stdout,
          ),
        );
      },
    );
};
