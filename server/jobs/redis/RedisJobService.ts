import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { describeThrown } from '../../../common/index.js';
import type { PacsAdapter } from '../../../pacs-adapters/index.js';
import { serverError } from '../../errors.js';
import { requeuedPatch, type JobDb } from '../JobDb.js';
import type { JobCloseOptions } from '../JobQueue.js';
import { TERMINAL_STATES, type JobRecord, type JobTimings } from '../JobRecord.js';
import { JobServiceCore, type JobCoreOptions } from '../JobServiceCore.js';
import { pushBack } from '../stages/pushBack.js';
import { connectRedis, redactUrl } from './connectRedis.js';
import { OutRelay } from './OutRelay.js';
import { packSha256 } from './packSha256.js';
import type { QueuedJobData } from './QueuedJobData.js';
import { KEYS, MARKER_TTL_S, QUEUE_NAME } from './queueKeys.js';
import { ServerLock } from './ServerLock.js';

export interface RedisJobServiceOptions extends JobCoreOptions {
  /** `redis://[:password@]host:port[/db]` (or rediss://): the queue the workers (`gsdiff worker`) take jobs from. */
  readonly queueUrl: string;
  /** DDIM steps for jobs that give none (default: the pack's), handed to the workers with each job. */
  readonly defaultSteps?: number;
  /** Lifetime of the one-server lock; a restart after a crash waits at most this long (default 10 000 ms). */
  readonly lockTtlMs?: number;
  /** How often records and BullMQ are compared (lost adds, jobs BullMQ failed, output lost with Redis; default 5000 ms). */
  readonly reconcileEveryMs?: number;
  /** How long a submission waits for Redis before leaving the job to the reconciliation (default 5000 ms). */
  readonly dispatchTimeoutMs?: number;
}

/**
 * A job BullMQ finished this recently may still have its last output entry on the way (and worker clocks may differ
 * from ours): the reconciliation leaves it to the relay for this long.
 */
const SETTLE_MS = 10_000;

/** BullMQ reports this for a job whose workers died more often than maxStalledCount allows. */
const STALLED = /stalled more than allowable limit/i;

/**
 * The scaled-out backend of the job queue: the server keeps the records (`jobs.sqlite`), the local store, the
 * frames folders and every stream, and runs no restoration itself. Jobs go to BullMQ on Redis; `gsdiff worker`
 * processes run them and write their output to a Redis stream that this server relays (OutRelay): frames to disk
 * for the websocket subscribers, instances into a stage committed once. See README.md.
 */
export class RedisJobService extends JobServiceCore {
  readonly backend = 'redis' as const;
  private readonly relay: OutRelay;
  private readonly pushBacks = new Set<Promise<void>>();
  private readonly shutdown = new AbortController();
  private lastReconcile = 0;
  private reconnected = false;
  private readonly redis: Redis;

  private constructor(
    private readonly o: RedisJobServiceOptions,
    db: JobDb,
    dataDir: string,
    private readonly release: () => void,
    private readonly connections: readonly [Redis, Redis, Redis],
    private readonly queue: Queue,
    private readonly lock: ServerLock,
  ) {
    super(o, db, dataDir);
    const [redis, reader] = connections;
    this.redis = redis;
    this.relay = new OutRelay(
      {
        dataDir,
        store: o.store,
        logger: o.logger,
        get: (id) => this.db.get(id),
        update: (id, patch) => this.update(id, patch),
        emit: (id, ev) => this.emit(id, ev),
        published: (job, timings) => this.afterPublish(job, timings),
      },
      reader,
      redis,
    );
    // After an outage Redis may have lost the last second of writes (AOF everysec): compare again at once.
    redis.on('ready', () => (this.reconnected = true));
  }

  /**
   * Connects to Redis (the URL is checked and must answer), takes the one-server lock, recovers jobs a crash left
   * published but not recorded, replays the worker output still in Redis, re-queues what Redis lost, then relays.
   * @throws SRV_ERR_QUEUE_UNAVAILABLE naming the URL when Redis cannot be reached; SRV_ERR_CONFLICT when another
   *   server relays the queue or this process has the folder open; SRV_ERR_JOB_STORE
   */
  static async open(o: RedisJobServiceOptions): Promise<RedisJobService> {
    const { dir, db, release } = await JobServiceCore.claim(o.dataDir);
    const opened: Redis[] = [];
    let lock: ServerLock | undefined;
    try {
      const redis = await connectRedis(o.queueUrl, { role: 'server' });
      opened.push(redis);
      const reader = await connectRedis(o.queueUrl, { role: 'server output reader' });
      opened.push(reader);
      const log = o.logger.child({ module: 'server/jobs/redis' });
      lock = await ServerLock.acquire(redis, o.queueUrl, o.lockTtlMs ?? 10_000, log);
      const queueConnection = redis.duplicate();
      opened.push(queueConnection);
      const queue = new Queue<QueuedJobData>(QUEUE_NAME, { connection: queueConnection });
      queue.on('error', (e) => log.warn({ err: describeThrown(e) }, 'queue: BullMQ error'));
      const service = new RedisJobService(o, db, dir, release, [redis, reader, queueConnection], queue, lock);
      await service.recover();
      await service.relay.drain();
      await service.reconcile();
      service.relay.start(() => service.onIdle());
      log.info({ queue: redactUrl(o.queueUrl) }, 'queue: relaying worker output');
      return service;
    } catch (e) {
      await lock?.release();
      for (const r of opened) r.disconnect();
      release();
      throw e;
    }
  }

  /**
   * Cancels a job: a queued one is removed from the queue; a running one is dropped here at once (its stage is
   * discarded; this server is the only one that commits) and its worker is told to stop. A job whose commit is
   * under way ends done.
   * @throws SRV_ERR_NOT_FOUND for an unknown id; SRV_ERR_CONFLICT for a job that already ended
   */
  async cancel(id: string): Promise<JobRecord> {
    const job = this.db.get(id);
    if (!job) throw serverError('SRV_ERR_NOT_FOUND', `job ${id}: expected an existing job id`, { job: id });
    const committing = this.relay.committing(id);
    if (committing) {
      await committing;
      return this.db.get(id) as JobRecord;
    }
    if (TERMINAL_STATES.has(job.state) || job.publishedAt) {
      throw serverError('SRV_ERR_CONFLICT', `job ${id} is ${job.state}: expected a queued or running job`, {
        job: id,
        state: job.state,
      });
    }
    await this.redis.set(KEYS.cancelled(id), '1', 'EX', MARKER_TTL_S);
    const removed = await this.queue.remove(id).catch(() => 0);
    if (removed === 0) await this.redis.publish(KEYS.cancelChannel, id);
    await this.relay.discard(id);
    this.log.info({ job: id, wasRunning: removed === 0 }, 'job cancelled');
    return this.update(id, { state: 'cancelled', stage: null, finishedAt: new Date().toISOString() });
  }

  /** Jobs some worker runs now (ids). */
  runningJobs(): string[] {
    return this.db.inState('running').map((j) => j.id);
  }

  /**
   * Stops relaying and accepting jobs; workers keep running and the next start replays their output. Push-backs
   * under way are interrupted and run again at the next start. Idempotent.
   */
  async close(_options: JobCloseOptions = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.stopWatches();
    await this.relay.stop();
    this.shutdown.abort();
    await Promise.allSettled([...this.pushBacks]);
    await this.queue.close().catch(() => undefined);
    await this.lock.release();
    this.endListeners();
    for (const c of this.connections) c.disconnect();
    this.release();
    this.log.info('job service closed');
  }

  /** Hands the job to BullMQ (job id = record id: adding twice is harmless). Redis down: the reconciliation adds it. */
  protected async dispatch(job: JobRecord): Promise<void> {
    const data: QueuedJobData = {
      jobId: job.id,
      spec: job.spec,
      seed: job.seed,
      packSha256: await packSha256(this.packPath(job.spec.pack)),
      ...(this.o.defaultSteps !== undefined ? { defaultSteps: this.o.defaultSteps } : {}),
    };
    await this.enqueue(data).catch((e: unknown) =>
      this.log.warn(
        { job: job.id, err: describeThrown(e) },
        'queue: Redis did not take the job now; it stays queued and is handed over when Redis answers',
      ),
    );
  }

  // -- internals ---------------------------------------------------------------------------------------------------

  private async enqueue(data: QueuedJobData): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const ms = this.o.dispatchTimeoutMs ?? 5000;
    try {
      await Promise.race([
        this.queue.add('restore', data, {
          jobId: data.jobId,
          attempts: 1,
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                serverError('SRV_ERR_QUEUE_UNAVAILABLE', `${redactUrl(this.o.queueUrl)}: no answer within ${ms} ms`, {
                  url: redactUrl(this.o.queueUrl),
                }),
              ),
            ms,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A crash between the commit and its record: the series is in the store, so the job is published (never again). */
  private async recover(): Promise<void> {
    for (const job of this.db.inState('running')) {
      const derived = job.derivedSeriesInstanceUid;
      if (derived === undefined || this.o.store.listInstances(derived).length === 0) continue;
      const published = job.publishedAt ? job : this.update(job.id, { publishedAt: new Date().toISOString() });
      await this.redis.set(KEYS.published(job.id), derived, 'EX', MARKER_TTL_S);
      this.log.warn({ job: job.id, derived }, 'recovery: derived series already published: not published again');
      this.afterPublish(published, job.timings);
    }
  }

  private async onIdle(): Promise<void> {
    const every = this.o.reconcileEveryMs ?? 5000;
    if (!this.reconnected && Date.now() - this.lastReconcile < every) return;
    this.reconnected = false;
    await this.reconcile();
  }

  /**
   * Makes BullMQ agree with the records (runs when the relay has caught up, so every output entry is applied):
   * a queued or running record without a BullMQ job is added again (Redis lost it); one BullMQ failed is failed
   * (SRV_ERR_JOB_INTERRUPTED when its workers kept dying); one BullMQ completed whose output never arrived is run again.
   */
  private async reconcile(): Promise<void> {
    this.lastReconcile = Date.now();
    const open = [...this.db.inState('running'), ...this.db.inState('queued')].filter((j) => !j.publishedAt);
    for (const job of open) {
      if (this.closing) return;
      const bull = await this.queue.getJob(job.id);
      const state = bull ? await bull.getState() : 'missing';
      const settling = bull?.finishedOn !== undefined && bull.finishedOn + SETTLE_MS > this.relay.caughtUpAt;
      if ((state === 'failed' || state === 'completed') && settling) continue;
      if (state === 'failed') {
        const reason = bull?.failedReason ?? 'unknown';
        const code = STALLED.test(reason) ? 'SRV_ERR_JOB_INTERRUPTED' : 'SRV_ERR_JOB_FAILED';
        await this.relay.discard(job.id);
        this.log.error({ job: job.id, reason }, 'queue: BullMQ failed the job');
        this.update(job.id, {
          state: 'failed',
          stage: null,
          error: { code, message: `job ${job.id}: ${reason}` },
          finishedAt: new Date().toISOString(),
        });
      } else if (state === 'missing' || state === 'completed' || state === 'unknown') {
        // Redis lost the job (or a completed run's output): run it again; the seed makes it the same restoration.
        this.log.warn({ job: job.id, state }, 'queue: job missing from Redis or its output lost: queued again');
        if (bull) await bull.remove().catch(() => undefined);
        await this.relay.discard(job.id);
        if (job.state === 'running') this.update(job.id, requeuedPatch());
        await this.enqueue({
          jobId: job.id,
          spec: job.spec,
          seed: job.seed,
          packSha256: await packSha256(this.packPath(job.spec.pack)),
          ...(this.o.defaultSteps !== undefined ? { defaultSteps: this.o.defaultSteps } : {}),
        }).catch((e: unknown) => this.log.warn({ job: job.id, err: describeThrown(e) }, 'queue: re-adding failed'));
      }
    }
  }

  /** After the commit: push-back when asked (outside the relay loop), then the final record. */
  private afterPublish(job: JobRecord, timings: JobTimings): void {
    const pushPending = job.spec.pushBack === true && job.spec.sourceId !== 'local' && !job.pushBack;
    if (!pushPending) {
      this.update(job.id, { state: 'done', stage: null, timings, finishedAt: new Date().toISOString() });
      return;
    }
    const run = (async () => {
      this.update(job.id, { stage: 'pushBack', timings });
      const t0 = performance.now();
      const report = await pushBack(job.derivedSeriesInstanceUid as string, {
        store: this.o.store,
        source: this.sources.get(job.spec.sourceId) as PacsAdapter,
        signal: this.shutdown.signal,
      });
      // Interrupted by shutdown: left running and published; the next start pushes again.
      if (this.shutdown.signal.aborted) return;
      this.update(job.id, {
        state: 'done',
        stage: null,
        pushBack: report,
        timings: { ...timings, pushBack: Math.round(performance.now() - t0) },
        finishedAt: new Date().toISOString(),
      });
    })().catch((e: unknown) => this.log.error({ job: job.id, err: describeThrown(e) }, 'push-back failed'));
    this.pushBacks.add(run);
    void run.finally(() => this.pushBacks.delete(run));
  }
}
