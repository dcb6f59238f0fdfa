import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../common/index.js';
import { DEMO_DEFAULTS, writeDemoStudy, type DemoOptions } from '../demo/index.js';
import { LocalStore, LocalStoreAdapter, type PacsAdapter } from '../pacs-adapters/index.js';
import { actorOf, createApp } from './app.js';
import { fileAuditLog } from './AuditLog.js';
import { dicomWebRouter } from './dicomweb/index.js';
import { JobService, RedisJobService, type JobQueue } from './jobs/index.js';
import { prepareDataDir } from './prepareDataDir.js';
import type { ServerConfig } from './config/index.js';
import { sourceAdapters } from './sourceAdapters.js';
import { attachJobStream } from './ws/index.js';
import { DemoStatusTracker } from './demoStatus.js';
import type { ServerStatus } from '../wire/index.js';

/** Limits on how slowly a client may send a request. Bodies keep Node's requestTimeout (5 min) for large STOWs. */
export const HTTP_TIMEOUTS = Object.freeze({ headersMs: 15_000, checkMs: 2_000 });

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  readonly jobs: JobQueue;
  readonly store: LocalStore;
  /** Resolves when demo data generation (if any) has finished. */
  readonly demoReady: Promise<void>;
  /** True when this start generates the demo study (the store was empty): `demoReady` then says when it is there. */
  readonly demoPending: boolean;
  /** What `GET /api/status` answers: the demo study's generation state. */
  status(): ServerStatus;
  close(): Promise<void>;
}

/**
 * Starts everything on one port: the API, DICOMweb over the local store, the job websocket and, when configured, the
 * watcher. Jobs run in this process (embedded SQLite queue) or, with `config.queueUrl`, in `gsdiff worker` processes
 * fed through Redis (this server then relays their output and publishes; it runs no inference). Demo data is generated in the background when the store is empty, so the server answers at once.
 * First creates the data folder and saves a token the configuration generated (`prepareDataDir`).
 * Shutdown order: stop accepting, close websockets, stop jobs (running ones are recovered at the next start), close
 * the store and the PACS connections.
 */
export async function startServer(
  config: ServerConfig,
  o: {
    logger: Logger;
    version: string;
    /** Demo generation progress (done of total steps, what was just made), for the start banner. */
    onDemoProgress?: (done: number, total: number, label: string) => void;
    /** Overrides of the demo study's size and workers (tests make a small one, in-thread: `workers: 0`). */
    demo?: Partial<Omit<DemoOptions, 'softwareVersion' | 'onProgress'>>;
  },
): Promise<RunningServer> {
  const log = o.logger;
  prepareDataDir(config);
  const store = await LocalStore.open(join(config.dataDir, 'store'), { logger: log });
  const audit = fileAuditLog(join(config.dataDir, 'audit.log'));
  const sources = new Map<string, PacsAdapter>([
    ['local', new LocalStoreAdapter(store)],
    ...sourceAdapters(config.sources, log),
  ]);
  const common = { dataDir: config.dataDir, store, sources, packDir: config.packDir, logger: log, audit };
  let jobs: JobQueue;
  try {
    jobs = config.queueUrl
      ? await RedisJobService.open({ ...common, queueUrl: config.queueUrl })
      : await JobService.open({
          ...common,
          device: config.device,
          cpuConcurrency: config.cpuConcurrency,
          softwareVersion: o.version,
        });
  } catch (e) {
    await Promise.all([...sources.values()].map((s) => s.close().catch(() => undefined)));
    await store.close();
    throw e;
  }
  const demoPending = config.demoWhenEmpty && store.stats().instances === 0;
  const demoStatus = new DemoStatusTracker(demoPending);
  const status = (): ServerStatus => ({ demo: demoStatus.status });
  const app = createApp({
    config,
    status,
    sources,
    jobs,
    audit,
    logger: log,
    version: o.version,
    dicomWeb: dicomWebRouter(store, { audit, logger: log, maxBodyBytes: config.maxBodyBytes, actorOf }),
  });
  // Slow-loris: a client gets HTTP_TIMEOUTS.headersMs to send its headers, checked every checkMs (Node's defaults,
  // 60 s checked every 30 s, let a few hundred dripping sockets hold file descriptors for a minute and a half).
  const server = createServer(
    { headersTimeout: HTTP_TIMEOUTS.headersMs, connectionsCheckingInterval: HTTP_TIMEOUTS.checkMs },
    app,
  );
  const stream = attachJobStream(server, {
    jobs,
    token: config.token,
    tokenExpiresAt: config.tokenExpiresAt,
    audit,
    logger: log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host}:${port}`;
  const watch = config.watch ? jobs.startWatching({ ...config.watch }) : undefined;
  let closing = false;
  const demoReady = demoPending
    ? writeDemoStudy(store, {
        ...DEMO_DEFAULTS,
        workers: Math.min(2, availableParallelism()),
        softwareVersion: o.version,
        ...o.demo,
        onProgress: (done, total, label) => {
          demoStatus.progress(done, total, label);
          o.onDemoProgress?.(done, total, label);
        },
      }).then(
        (r) => {
          demoStatus.ready();
          log.info({ series: r.series.length }, 'demo data ready');
        },
        (e: unknown) => {
          const reason = e instanceof Error ? e.message : String(e);
          demoStatus.failed(closing ? 'interrupted by shutdown; it restarts at the next start' : reason);
          if (closing)
            log.info('demo data generation interrupted by shutdown; nothing was published, it restarts next time');
          else log.error({ err: reason }, 'demo data failed');
        },
      )
    : Promise.resolve();
  return {
    url,
    server,
    jobs,
    store,
    demoReady,
    demoPending,
    status,
    close: async () => {
      closing = true;
      // server.close() resolves only when every connection has ended, and an open job websocket lasts as long as
      // its job: awaiting it first held a shutdown for a whole series. Stop accepting, then close the sockets and
      // the jobs, then wait for the remaining HTTP requests.
      const httpClosed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await stream.close();
      await watch?.stop();
      await jobs.close();
      await httpClosed;
      // Demo series are staged and published whole: closing the store under the generator loses nothing.
      await Promise.all([...sources.values()].map((s) => s.close()));
      await store.close();
    },
  };
}
