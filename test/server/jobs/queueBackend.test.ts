import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { LocalStore, LocalStoreAdapter } from '../../../pacs-adapters/index.js';
import { memoryAuditLog } from '../../../server/AuditLog.js';
import { loadServerConfig, startServer } from '../../../server/index.js';
import {
  QueueWorker,
  RedisJobService,
  type JobRecord,
  type RedisJobServiceOptions,
} from '../../../server/jobs/index.js';
import { decodeOutEntry, encodeOutEntry, type OutEntry } from '../../../server/jobs/redis/outEntries.js';
import { QUEUE_NAME } from '../../../server/jobs/redis/queueKeys.js';
import { freePort } from '../../helpers/orthanc.js';
import { startRedis, type RunningRedis } from '../../helpers/redis.js';
import { ctSeries, ended, PACK, removeDir, silent, waitFor, type SyntheticSeries } from './fixtures.js';

const DIST = process.env.GSDIFF_DIST ?? join(process.cwd(), 'dist');
const READY = existsSync(join(DIST, 'cli/main.js'));
const TOKEN = 'queue-backend-token-0123456789abcd';

describe('queue output entries', () => {
  it('round-trip text and binary fields', () => {
    const payload = Buffer.from(new Float32Array([1.5, -1000, 3]).buffer);
    const entries: OutEntry[] = [
      { type: 'start', jobId: 'j', attempt: 'a1', worker: 'w', device: 'cpu', number: 2 },
      { type: 'frame', jobId: 'j', attempt: 'a1', index: 4, total: 9, payload },
      { type: 'failed', jobId: 'j', attempt: 'a1', error: { code: 'MODEL_ERR_X', message: 'bad' } },
    ];
    for (const e of entries) {
      const fields = encodeOutEntry(e).map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
      expect(decodeOutEntry(fields)).toEqual(e);
    }
    expect(() => decodeOutEntry([Buffer.from('t'), Buffer.from('bogus')])).toThrow(/expected t, j and a/);
  });
});

/** A data folder with a store holding `series` and a RedisJobService on it. */
async function openServer(
  redisUrl: string,
  series: readonly SyntheticSeries[],
  over: Partial<RedisJobServiceOptions> = {},
): Promise<{ jobs: RedisJobService; store: LocalStore; dir: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-qb-'));
  const store = await LocalStore.open(join(dir, 'store'));
  for (const s of series) for (const b of s.instances) await store.storeInstance(b, 'test');
  let jobs: RedisJobService;
  try {
    jobs = await RedisJobService.open({
      dataDir: dir,
      store,
      sources: new Map(),
      packDir: PACK,
      logger: silent,
      audit: memoryAuditLog(),
      queueUrl: redisUrl,
      reconcileEveryMs: 500,
      ...over,
    });
  } catch (e) {
    await store.close();
    removeDir(dir);
    throw e;
  }
  return {
    jobs,
    store,
    dir,
    close: async () => {
      await jobs.close();
      await store.close();
      removeDir(dir);
    },
  };
}

describe('Redis queue backend', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  /** A queue server on `dir` over `store`, with fast reconciliation and lock expiry for the tests. */
  const openService = (dir: string, store: LocalStore): Promise<RedisJobService> =>
    RedisJobService.open({
      dataDir: dir,
      store,
      sources: new Map(),
      packDir: PACK,
      logger: silent,
      audit: memoryAuditLog(),
      queueUrl: redis.url,
      reconcileEveryMs: 500,
      lockTtlMs: 500,
    });

  /** One in-process CPU worker reading the series from `store`. */
  const startWorker = (dir: string, store: LocalStore): Promise<QueueWorker> =>
    QueueWorker.start({
      queueUrl: redis.url,
      server: new LocalStoreAdapter(store),
      sources: new Map(),
      packDir: PACK,
      device: 'cpu',
      concurrency: 1,
      dataDir: join(dir, 'worker'),
      logger: silent,
      softwareVersion: 'test',
    });

  it('names the (redacted) URL when Redis cannot be reached at start-up', async () => {
    const url = `redis://:s3cret@127.0.0.1:${await freePort()}`;
    const dir = mkdtempSync(join(tmpdir(), 'gsdiff-qb-'));
    const store = await LocalStore.open(join(dir, 'store'));
    try {
      const opened = RedisJobService.open({
        dataDir: dir,
        store,
        sources: new Map(),
        packDir: PACK,
        logger: silent,
        audit: memoryAuditLog(),
        queueUrl: url,
      });
      await expect(opened).rejects.toMatchObject({ code: 'SRV_ERR_QUEUE_UNAVAILABLE' });
      const err = (await opened.catch((e: unknown) => e)) as Error;
      expect(err.message).toContain(`redis://***@127.0.0.1:${url.split(':').at(-1)}`);
      expect(err.message).not.toContain('s3cret');
      await expect(
        QueueWorker.start({
          queueUrl: url,
          server: new LocalStoreAdapter(store),
          sources: new Map(),
          packDir: PACK,
          device: 'cpu',
          concurrency: 1,
          dataDir: dir,
          logger: silent,
          softwareVersion: 'test',
        }),
      ).rejects.toMatchObject({ code: 'SRV_ERR_QUEUE_UNAVAILABLE' });
      await expect(
        RedisJobService.open({
          dataDir: dir,
          store,
          sources: new Map(),
          packDir: PACK,
          logger: silent,
          audit: memoryAuditLog(),
          queueUrl: 'http://127.0.0.1:1',
        }),
      ).rejects.toMatchObject({ code: 'SRV_ERR_CONFIG' });
    } finally {
      await store.close();
      removeDir(dir);
    }
  });

  it('refuses a second server on the same queue', async () => {
    const a = await openServer(redis.url, [], { lockTtlMs: 400 });
    try {
      await expect(openServer(redis.url, [], { lockTtlMs: 400 })).rejects.toMatchObject({ code: 'SRV_ERR_CONFLICT' });
    } finally {
      await a.close();
    }
  });

  it('cancels a queued job: gone from BullMQ, never run', async () => {
    const s = ctSeries(2);
    const env = await openServer(redis.url, [s]);
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      const job = await env.jobs.submit(
        { sourceId: 'local', studyInstanceUid: s.study, seriesInstanceUid: s.series, task: 'auto' },
        'test',
      );
      expect(await (await queue.getJob(job.id))?.getState()).toBe('waiting');
      const cancelled = await env.jobs.cancel(job.id);
      expect(cancelled.state).toBe('cancelled');
      expect(await queue.getJob(job.id)).toBeUndefined();
      await expect(env.jobs.cancel(job.id)).rejects.toMatchObject({ code: 'SRV_ERR_CONFLICT' });
    } finally {
      await queue.close();
      await env.close();
    }
  });

  it('a server stopped mid-job replays the output left in Redis at its next start: one complete series', async () => {
    const s = ctSeries(16);
    const dir = mkdtempSync(join(tmpdir(), 'gsdiff-qb-'));
    const open = async (): Promise<{ jobs: RedisJobService; store: LocalStore }> => {
      const store = await LocalStore.open(join(dir, 'store'));
      const jobs = await openService(dir, store);
      return { jobs, store };
    };
    let a = await open();
    for (const b of s.instances) await a.store.storeInstance(b, 'test');
    const worker = await startWorker(dir, a.store);
    try {
      const job = await a.jobs.submit(
        { sourceId: 'local', studyInstanceUid: s.study, seriesInstanceUid: s.series, task: 'auto', steps: 1 },
        'test',
      );
      const before = await waitFor(a.jobs, job.id, (j) => j.progress.done >= 2, 60_000);
      expect(before.publishedAt).toBeUndefined();
      await a.jobs.close();
      await a.store.close();
      // The worker goes on writing into Redis while no server relays.
      await new Promise((r) => setTimeout(r, 1500));
      a = await open();
      const done = await waitFor(a.jobs, job.id, ended, 60_000);
      expect(done.state).toBe('done');
      const derived = a.store.listSeries(s.study).filter((x) => x.seriesInstanceUid !== s.series);
      expect(derived.map((x) => x.seriesInstanceUid)).toEqual([done.derivedSeriesInstanceUid]);
      expect(a.store.listInstances(derived[0].seriesInstanceUid)).toHaveLength(16);
      // Every frame listed once in the frames folder, though two servers wrote it.
      const index = readFileSync(join(dir, 'jobs', job.id, 'frames', 'index.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(new Set(index.map((l) => (JSON.parse(l) as { index: number }).index)).size).toBe(index.length);
      expect(index).toHaveLength(16);
    } finally {
      await worker.close({ graceMs: 0 });
      await a.jobs.close();
      await a.store.close();
      removeDir(dir);
    }
  });

  it('applies an instance entry delivered twice (a resent XADD) once: the job still publishes one whole series', async () => {
    // ioredis resends a command whose reply a Redis restart lost, so the stream can hold one instance twice.
    const proto = Redis.prototype as unknown as { xaddBuffer: (...args: unknown[]) => Promise<unknown> };
    const original = proto.xaddBuffer;
    let doubled = 0;
    proto.xaddBuffer = async function (this: unknown, ...args: unknown[]) {
      const isInstance = args.some((a, i) => a === 't' && args[i + 1] === 'instance');
      if (isInstance) {
        doubled++;
        await original.apply(this, args);
      }
      return original.apply(this, args);
    };
    const s = ctSeries(4);
    const dir = mkdtempSync(join(tmpdir(), 'gsdiff-qb-'));
    const store = await LocalStore.open(join(dir, 'store'));
    const jobs = await openService(dir, store);
    for (const b of s.instances) await store.storeInstance(b, 'test');
    const worker = await startWorker(dir, store);
    try {
      const job = await jobs.submit(
        { sourceId: 'local', studyInstanceUid: s.study, seriesInstanceUid: s.series, task: 'auto', steps: 1 },
        'test',
      );
      const done = await waitFor(jobs, job.id, ended, 60_000);
      expect(doubled).toBe(4);
      expect(done.error).toBeUndefined();
      expect(done.state).toBe('done');
      const derived = store.listSeries(s.study).filter((x) => x.seriesInstanceUid !== s.series);
      expect(derived.map((x) => x.seriesInstanceUid)).toEqual([done.derivedSeriesInstanceUid]);
      expect(store.listInstances(derived[0].seriesInstanceUid)).toHaveLength(4);
    } finally {
      proto.xaddBuffer = original;
      await worker.close({ graceMs: 0 });
      await jobs.close();
      await store.close();
      removeDir(dir);
    }
  });

  it("defers a job whose pack differs from the worker's, then fails it with SRV_ERR_PACK_MISMATCH", async () => {
    const s = ctSeries(2);
    const env = await openServer(redis.url, [s]);
    // The worker's pack of the same name lists different weights (another version): its sha256 differs.
    const other = join(env.dir, 'other-packs', 'tiny-test');
    mkdirSync(other, { recursive: true });
    const index = JSON.parse(readFileSync(join(PACK, 'model_index.json'), 'utf8')) as { files: Record<string, string> };
    const first = Object.keys(index.files)[0];
    index.files[first] = 'f'.repeat(64);
    writeFileSync(join(other, 'model_index.json'), JSON.stringify(index));
    const worker = await QueueWorker.start({
      queueUrl: redis.url,
      server: new LocalStoreAdapter(env.store),
      sources: new Map(),
      packDir: other,
      device: 'cpu',
      concurrency: 1,
      dataDir: join(env.dir, 'worker'),
      logger: silent,
      softwareVersion: 'test',
      maxDeferrals: 2,
      deferMs: 50,
    });
    try {
      const job = await env.jobs.submit(
        { sourceId: 'local', studyInstanceUid: s.study, seriesInstanceUid: s.series, task: 'auto', steps: 1 },
        'test',
      );
      const done = await waitFor(env.jobs, job.id, ended, 30_000);
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe('SRV_ERR_PACK_MISMATCH');
      expect(done.error?.message).toMatch(/sha256 .*expected/);
      expect(env.store.listSeries(s.study)).toHaveLength(1);
    } finally {
      await worker.close({ graceMs: 0 });
      await env.close();
    }
  });
});

(READY ? describe : describe.skip)('gsdiff worker: SIGTERM hands a running job back', () => {
  let redis: RunningRedis;
  let root = '';
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gsdiff-qterm-'));
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    if (root) removeDir(root);
  });

  it('with --grace 0 the job is queued again and another worker finishes it, published once', async () => {
    const s = ctSeries(24, 32);
    const dataDir = join(root, 'server');
    const seed = await LocalStore.open(join(dataDir, 'store'));
    for (const b of s.instances) await seed.storeInstance(b, 'test');
    await seed.close();
    const config = loadServerConfig(
      { port: 0, data: dataDir, queue: redis.url, demo: false, pack: PACK },
      { GSDIFF_TOKEN: TOKEN },
    );
    const server = await startServer(config, { logger: silent, version: 'test' });
    const spawnWorker = (name: string): SpawnedWorker => {
      const child = spawn(
        process.execPath,
        [
          join(DIST, 'cli/main.js'),
          'worker',
          '--queue',
          redis.url,
          '--server',
          server.url,
          '--data',
          join(root, name),
          '--device',
          'cpu',
          '--grace',
          '0',
          '--name',
          name,
        ],
        {
          env: { ...process.env, GSDIFF_TOKEN: TOKEN, GSDIFF_LOG_LEVEL: 'info', GSDIFF_PACK: PACK },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      const started = new Promise<void>((resolve) => {
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => {
          if (l.includes('"queue: job started"')) resolve();
        });
      });
      return {
        exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code))),
        kill: (sig) => child.kill(sig),
        started,
      };
    };
    const spawned: SpawnedWorker[] = [];
    try {
      const job = await server.jobs.submit(
        { sourceId: 'local', studyInstanceUid: s.study, seriesInstanceUid: s.series, task: 'auto', steps: 1 },
        'test',
      );
      const a = spawnWorker('wa');
      spawned.push(a);
      await a.started;
      await waitFor(server.jobs, job.id, (j) => j.progress.done >= 1, 60_000);
      a.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      const requeued = await waitFor(server.jobs, job.id, (j) => j.state === 'queued', 10_000);
      expect(requeued.derivedSeriesInstanceUid).toBeUndefined();
      const b = spawnWorker('wb');
      spawned.push(b);
      const done: JobRecord = await waitFor(server.jobs, job.id, ended, 90_000);
      b.kill('SIGTERM');
      expect(await b.exited).toBe(0);
      expect(done.state).toBe('done');
      const derived = server.store.listSeries(s.study).filter((x) => x.seriesInstanceUid !== s.series);
      expect(derived).toHaveLength(1);
      expect(server.store.listInstances(derived[0].seriesInstanceUid)).toHaveLength(24);
    } finally {
      for (const w of spawned) w.kill('SIGKILL');
      await Promise.all(spawned.map((w) => w.exited));
      await server.close();
    }
  }, 180_000);
});

interface SpawnedWorker {
  readonly exited: Promise<number | string | null>;
  readonly started: Promise<void>;
  kill(signal: NodeJS.Signals): void;
}
