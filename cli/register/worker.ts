import { createConsoleLogger } from '../../common/index.js';
import { DEVICE_REQUESTS } from '../../models/index.js';
import { loadCliConfig } from '../../server/index.js';
import { workerCommand } from '../commands/worker.js';
import type { Registration } from './context.js';
import { deviceOption, nonNegativeInt, positiveInt } from './options.js';

/** `gsdiff worker` */
export const registerWorker: Registration = (program, ctx) => {
  program
    .command('worker')
    .description('run restoration jobs from a Redis queue (scaled out: `gsdiff serve --queue` takes the requests)')
    .option('--queue <url>', 'the Redis queue: redis://[:password@]host:port[/db] (or GSDIFF_QUEUE)')
    .option('--server <url>', 'the server whose DICOMweb serves local series (default http://127.0.0.1:8470)')
    .option('--token-file <file>', "file holding the server's token when GSDIFF_TOKEN is not set")
    .option('--data <dir>', 'scratch folder of this worker (default .gsdiff-worker)')
    .option('--pack <dir>', 'model pack; must be the same version (sha256) as the server resolves')
    .option('--device <device>', `execution provider: ${DEVICE_REQUESTS.join(' | ')} (default auto)`, deviceOption)
    .option('--concurrency <n>', 'jobs at once (default 1)', positiveInt)
    .option('--name <name>', 'name in logs and job records (default host:pid)')
    .option(
      '--grace <s>',
      'on SIGTERM, seconds running jobs get to finish before they are handed back (default 30)',
      nonNegativeInt,
    )
    .option(
      '--lock-duration <ms>',
      'a job of a dead worker goes to another after this long (default 30000)',
      positiveInt,
    )
    .option('--stalled-interval <ms>', 'how often dead workers are looked for (default 30000)', positiveInt)
    .option('--max-deferrals <n>', 'hand-backs of a job no worker can run before it fails (default 30)', positiveInt)
    .action(
      async (opts: {
        queue?: string;
        server?: string;
        tokenFile?: string;
        data?: string;
        pack?: string;
        device?: string;
        concurrency?: number;
        name?: string;
        grace?: number;
        lockDuration?: number;
        stalledInterval?: number;
        maxDeferrals?: number;
      }) => {
        const { grace, lockDuration, stalledInterval, ...rest } = opts;
        const config = loadCliConfig({}, ctx.env);
        ctx.done(
          await workerCommand(
            {
              ...rest,
              ...(grace !== undefined ? { graceSeconds: grace } : {}),
              ...(lockDuration !== undefined ? { lockDurationMs: lockDuration } : {}),
              ...(stalledInterval !== undefined ? { stalledIntervalMs: stalledInterval } : {}),
            },
            ctx.env,
            createConsoleLogger(config.logLevel),
            process.stdout,
          ),
        );
      },
    );
};
