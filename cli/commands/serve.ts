import type { Logger } from '../../common/index.js';
import { loadServerConfig, redactUrl, startServer, type EnvVars, type ServeFlags } from '../../server/index.js';
import { VERSION } from '../version.js';
import { DemoProgress, serveBanner, viewerLink } from './serveBanner.js';

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
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  const demo = new DemoProgress(out, tty);
  const running = await startServer(config, {
    logger,
    version: VERSION,
    onDemoProgress: (done, total, label) => demo.progress(done, total, label),
  });
  const showToken = tty || config.tokenGenerated;
  out.write(
    serveBanner({
      version: VERSION,
      url: running.url,
      dataDir: config.dataDir,
      packDir: config.packDir,
      device: config.device,
      ...(config.queueUrl ? { queue: redactUrl(config.queueUrl) } : {}),
      ...(flags.device !== undefined ? { deviceFlag: flags.device } : {}),
      viewerBuilt: config.viewerDir !== undefined,
      token: config.token,
      tokenGenerated: config.tokenGenerated,
      showToken,
      demoPending: running.demoPending,
    }),
  );
  let stopping = false;
  if (running.demoPending)
    void running.demoReady.then(() => {
      if (stopping) return; // interrupted by shutdown: the log says so, and it restarts next time
      let ok: boolean;
      try {
        ok = running.store.stats().instances > 0;
      } catch {
        ok = false;
      }
      demo.ready(ok, config.viewerDir && showToken ? viewerLink(running.url, config.token) : undefined);
    });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stopping = true;
  demo.interrupt();
  out.write('shutting down\n');
  await running.close();
  return 0;
}
