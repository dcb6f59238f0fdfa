import type { Logger } from '../../common/index.js';
import { loadServerConfig, redactUrl, startServer, type EnvVars, type ServeFlags } from '../../server/index.js';
import { VERSION } from '../version.js';

/**
 * `gsdiff serve`: the whole workstation on the embedded default (local store, default pack, demo data when the
 * store is empty), or with `--queue redis://…` the server of a scaled-out deployment whose jobs run in workers. Runs until SIGINT/SIGTERM, then shuts down in order. Never returns before that.
 */
export async function serveCommand(
  flags: ServeFlags,
  env: EnvVars,
  logger: Logger,
  out: NodeJS.WritableStream,
): Promise<number> {
  const config = loadServerConfig(flags, env);
  const running = await startServer(config, { logger, version: VERSION });
  out.write(`gsdiff ${VERSION} serving on ${running.url}\n`);
  out.write(`  data folder: ${config.dataDir} (store, jobs.sqlite, audit.log)\n`);
  out.write(
    config.queueUrl
      ? `  jobs: Redis queue ${redactUrl(config.queueUrl)} (run \`gsdiff worker\` processes; no inference here)\n` +
          `  model pack: ${config.packDir} (workers must hold the same version)\n`
      : `  model pack: ${config.packDir} on device ${config.device}\n`,
  );
  // A server on a queue runs no inference: a device asked of it would silently do nothing, so say so.
  if (config.queueUrl && flags.device !== undefined)
    out.write(`  note: --device ${flags.device} is not used with --queue: each worker takes its own --device\n`);
  out.write(`  viewer: ${config.viewerDir ? `${running.url}/` : 'not built (the viewer comes with issue "Step 6")'}\n`);
  out.write(`  health: ${running.url}/healthz (no token)\n`);
  out.write(
    config.tokenGenerated
      ? `  access token (generated, saved in ${config.dataDir}/token): ${config.token}\n`
      : `  access token: from GSDIFF_TOKEN or ${config.dataDir}/token\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  out.write('shutting down\n');
  await running.close();
  return 0;
}
