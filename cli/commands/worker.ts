import type { Logger } from '../../common/index.js';
import { loadWorkerConfig, redactUrl, startWorker, type EnvVars, type WorkerFlags } from '../../server/index.js';
import { VERSION } from '../version.js';

/**
 * `gsdiff worker`: a queue worker of a scaled-out deployment. Runs until SIGINT/SIGTERM; then running jobs get the
 * grace period to finish and are handed back (queued again) after it; a second signal hands them back at once.
 */
export async function workerCommand(
  flags: WorkerFlags,
  env: EnvVars,
  logger: Logger,
  out: NodeJS.WritableStream,
): Promise<number> {
  const config = loadWorkerConfig(flags, env);
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
