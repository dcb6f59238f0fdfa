import { InvalidArgumentError, type Command } from 'commander';
import { createLogger, loadConfig, type Logger } from '../../common/index.js';
import { DEVICE_REQUESTS } from '../../models/index.js';
import { loadWorkerConfig, startWorker, type WorkerFlags } from '../../server/index.js';
import { redactUrl } from '../../server/jobs/index.js';
import { VERSION } from '../version.js';

/**
 * `gsdiff worker`: a queue worker of a scaled-out deployment. Runs until SIGINT/SIGTERM; then running jobs get the
 * grace period to finish and are handed back (queued again) after it; a second signal hands them back at once.
 */
export async function workerCommand(flags: WorkerFlags, logger: Logger, out: NodeJS.WritableStream): Promise<number> {
  const config = loadWorkerConfig(flags);
  const running = await startWorker(config, { logger, version: VERSION });
  out.write(`gsdiff ${VERSION} worker on ${redactUrl(config.queueUrl)}\n`);
  out.write(`  server: ${config.serverUrl} (DICOMweb for 'local' series)\n`);
  out.write(`  model pack: ${config.packDir} on device ${config.device}, ${config.concurrency} job(s) at once\n`);
  out.write(`  scratch: ${config.dataDir}\n`);
  let signals = 0;
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      signals++;
      if (signals === 1) resolve();
      // A second signal: no more grace.
      else void running.close({ graceMs: 0 });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  out.write(`stopping: running jobs get ${config.graceMs / 1000} s to finish, then are handed back\n`);
  await running.close();
  return 0;
}

/** Registers `gsdiff worker` on the program; `done` receives the exit status. */
export function addWorkerCommand(program: Command, done: (status: number) => void): void {
  program
    .command('worker')
    .description('run restoration jobs from a Redis queue (scaled out: `gsdiff serve --queue` takes the requests)')
    .option('--queue <url>', 'the Redis queue: redis://[:password@]host:port[/db] (or GSDIFF_QUEUE)')
    .option('--server <url>', 'the server whose DICOMweb serves local series (default http://127.0.0.1:8470)')
    .option('--token-file <file>', "file holding the server's token when GSDIFF_TOKEN is not set")
    .option('--data <dir>', 'scratch folder of this worker (default .gsdiff-worker)')
    .option('--pack <dir>', 'model pack; must be the same version (sha256) as the server resolves')
    .option('--device <device>', `execution provider: ${DEVICE_REQUESTS.join(' | ')} (default auto)`, device)
    .option('--concurrency <n>', 'jobs at once (default 1)', positive)
    .option('--name <name>', 'name in logs and job records (default host:pid)')
    .option(
      '--grace <s>',
      'on SIGTERM, seconds running jobs get to finish before they are handed back (default 30)',
      nonNegative,
    )
    .option('--lock-duration <ms>', 'a job of a dead worker goes to another after this long (default 30000)', positive)
    .option('--stalled-interval <ms>', 'how often dead workers are looked for (default 30000)', positive)
    .option('--max-deferrals <n>', 'hand-backs of a job no worker can run before it fails (default 30)', positive)
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
        const config = loadConfig();
        done(
          await workerCommand(
            {
              ...rest,
              ...(grace !== undefined ? { graceSeconds: grace } : {}),
              ...(lockDuration !== undefined ? { lockDurationMs: lockDuration } : {}),
              ...(stalledInterval !== undefined ? { stalledIntervalMs: stalledInterval } : {}),
            },
            createLogger(config.logLevel),
            process.stdout,
          ),
        );
      },
    );
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${v}"`);
  return n;
}

function nonNegative(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected an integer >= 0, got "${v}"`);
  return n;
}

function device(v: string): string {
  if (!(DEVICE_REQUESTS as readonly string[]).includes(v))
    throw new InvalidArgumentError(`expected one of ${DEVICE_REQUESTS.join(', ')}, got "${v}"`);
  return v;
}
