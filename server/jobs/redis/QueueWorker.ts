import { hostname } from 'node:os';
import path from 'node:path';
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { describeThrown, type Logger } from '../../../common/index.js';
import { DEVICE_REQUESTS, type DeviceRequest } from '../../../models/index.js';
import type { PacsAdapter } from '../../../pacs-adapters/index.js';
import { serverError } from '../../errors.js';
import type { JobError } from '../JobRecord.js';
import { PackPool } from '../PackPool.js';
import { connectRedis, redactUrl } from './connectRedis.js';
import { OutWriter } from './OutWriter.js';
import { packSha256 } from './packSha256.js';
import { isQueuedJobData, type QueuedJobData } from './QueuedJobData.js';
import { KEYS, QUEUE_NAME } from './queueKeys.js';
import { runQueuedJob, workerJobDir } from './runQueuedJob.js';

export interface QueueWorkerOptions {
  readonly queueUrl: string;
  /** The adapter for 'local' jobs: the server's DICOMweb (`<server>/dicom-web`, its token). */
  readonly server: PacsAdapter;
  /** PACS sources by id (the server's GSDIFF_SOURCES), for jobs of other sources. */
  readonly sources: ReadonlyMap<string, PacsAdapter>;
  /** The default pack folder; a job's `pack` names a folder beside it. */
  readonly packDir: string;
  readonly device: DeviceRequest;
  /** Jobs this worker runs at once (default 1). */
  readonly concurrency: number;
  /** Scratch of this worker (`jobs/<id>/input`); never the server's data folder. */
  readonly dataDir: string;
  readonly logger: Logger;
  readonly softwareVersion: string;
  /** Named in logs and in the job records' start (default host:pid). */
  readonly name?: string;
  /** BullMQ lock of a running job; a worker dead this long loses it to another (default 30 000 ms). */
  readonly lockDurationMs?: number;
  /** How often stalled jobs are looked for (default 30 000 ms). */
  readonly stalledIntervalMs?: number;
  /** Deaths of workers one job survives before it fails with SRV_ERR_JOB_INTERRUPTED (default 2: three starts). */
  readonly maxStalledCount?: number;
  /** Hand-backs of a job no worker can run (pack version, source, device) before it fails (default 30). */
  readonly maxDeferrals?: number;
  /** Delay before a handed-back job is offered again (default 2000 ms). */
  readonly deferMs?: number;
}

export interface WorkerCloseOptions {
  /** Wait this long for running jobs to finish; then they are handed back (queued again). Default 30 000 ms. */
  readonly graceMs?: number;
}

/** Why a run stops early: the AbortSignal reason the worker uses. */
type StopReason = 'cancel' | 'shutdown';

class Unsuited extends Error {
  constructor(
    readonly code: 'SRV_ERR_PACK_MISMATCH' | 'SRV_ERR_WORKER_UNSUITED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * `gsdiff worker`: takes jobs from the BullMQ queue and runs them on its own device, writing the output to the
 * server's relay stream. A job whose pack (by sha256), source or device this worker lacks is handed back for
 * another worker. A worker killed mid-job loses its lock; BullMQ's stalled-job check gives the job to another
 * worker (same seed, the server keeps only the last attempt's output). See README.md.
 */
export class QueueWorker {
  private readonly packs: PackPool;
  private readonly log: Logger;
  private readonly name: string;
  private closing: Promise<void> | undefined;
  private readonly active = new Set<string>();
  private readonly bullConnection: Redis;

  private constructor(
    private readonly o: QueueWorkerOptions,
    private readonly redis: Redis,
    private readonly sub: Redis,
    private worker: Worker<QueuedJobData> | undefined,
  ) {
    this.log = o.logger.child({ module: 'server/jobs/redis', worker: o.name });
    this.packs = new PackPool(this.log);
    this.name = o.name ?? `${hostname()}:${process.pid}`;
    this.bullConnection = redis.duplicate();
  }

  /**
   * Connects (the URL must answer), listens for cancellations and starts taking jobs.
   * @throws SRV_ERR_CONFIG for invalid options; SRV_ERR_QUEUE_UNAVAILABLE naming the URL when Redis cannot be reached
   */
  static async start(o: QueueWorkerOptions): Promise<QueueWorker> {
    if (!Number.isInteger(o.concurrency) || o.concurrency < 1) {
      throw serverError('SRV_ERR_CONFIG', `--concurrency: expected an integer >= 1, got ${o.concurrency}`, {
        field: 'concurrency',
      });
    }
    if (!DEVICE_REQUESTS.includes(o.device)) {
      throw serverError('SRV_ERR_CONFIG', `--device: expected ${DEVICE_REQUESTS.join(' | ')}, got ${o.device}`, {
        field: 'device',
      });
    }
    const redis = await connectRedis(o.queueUrl, { role: 'worker' });
    let sub: Redis;
    try {
      sub = await connectRedis(o.queueUrl, { role: 'worker cancellations' });
    } catch (e) {
      redis.disconnect();
      throw e;
    }
    const w = new QueueWorker(o, redis, sub, undefined);
    await sub.subscribe(KEYS.cancelChannel);
    sub.on('message', (_channel: string, jobId: string) => {
      const reason: StopReason = 'cancel';
      if (w.worker?.cancelJob(jobId, reason)) w.log.info({ job: jobId }, 'queue: job cancelled by the server');
    });
    const lockDuration = o.lockDurationMs ?? 30_000;
    w.worker = new Worker<QueuedJobData>(QUEUE_NAME, (job, token, signal) => w.process(job, token, signal), {
      connection: w.bullConnection,
      concurrency: o.concurrency,
      lockDuration,
      stalledInterval: o.stalledIntervalMs ?? 30_000,
      maxStalledCount: o.maxStalledCount ?? 2,
      autorun: true,
    });
    w.worker.on('error', (e) => w.log.warn({ err: describeThrown(e) }, 'queue: BullMQ worker error'));
    w.log.info(
      { queue: redactUrl(o.queueUrl), device: o.device, concurrency: o.concurrency, name: w.name },
      'queue: worker started',
    );
    return w;
  }

  /** Jobs running on this worker now (ids). */
  runningJobs(): string[] {
    return [...this.active];
  }

  /**
   * Graceful stop: takes no new job, lets running ones finish for `graceMs`, then hands them back (queued again,
   * without counting against the job). Idempotent.
   */
  close(options: WorkerCloseOptions = {}): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker as Worker<QueuedJobData>;
      const graceMs = options.graceMs ?? 30_000;
      const timer = setTimeout(() => {
        const reason: StopReason = 'shutdown';
        this.log.info({ running: [...this.active] }, 'queue: grace period over: handing jobs back');
        worker.cancelAllJobs(reason);
      }, graceMs);
      try {
        await worker.close();
      } finally {
        clearTimeout(timer);
      }
      await this.packs.close();
      this.sub.disconnect();
      this.bullConnection.disconnect();
      this.redis.disconnect();
      this.log.info('queue: worker stopped');
    })();
    return this.closing;
  }

  private async process(job: Job<QueuedJobData>, token: string | undefined, signal?: AbortSignal): Promise<unknown> {
    const data: unknown = job.data;
    if (!isQueuedJobData(data)) throw new UnrecoverableError(`job ${job.id}: data of an unknown shape`);
    const id = data.jobId;
    if (await this.redis.exists(KEYS.cancelled(id))) return { skipped: 'cancelled' };
    const published = await this.redis.get(KEYS.published(id));
    if (published) return { skipped: 'published', derivedSeriesInstanceUid: published };
    const attempt = token ?? `${this.name}:${Date.now()}`;
    const stop = signal ?? new AbortController().signal;
    const out = new OutWriter(this.redis, id, attempt, stop);

    // 1. Can it run here at all? If not, hand it back (it never started: the record stays queued).
    let packDir: string;
    let source: PacsAdapter;
    try {
      ({ packDir, source } = await this.suitability(data));
    } catch (e) {
      if (!(e instanceof Unsuited)) throw e;
      return this.defer(job, data, token, out, e);
    }

    // 2. Run it.
    const number = Math.max(1, job.attemptsStarted - (data.deferrals ?? 0));
    this.active.add(id);
    try {
      await out.start({ worker: this.name, device: this.o.device, number });
      this.log.info({ job: id, attempt: number }, 'queue: job started');
      return await runQueuedJob({
        data,
        number,
        out,
        redis: this.redis,
        source,
        packs: this.packs,
        packDir,
        device: this.o.device,
        jobDir: workerJobDir(this.o.dataDir, id),
        softwareVersion: this.o.softwareVersion,
        signal: stop,
        logger: this.log.child({ job: id }),
      });
    } catch (e) {
      const reason: unknown = stop.aborted ? stop.reason : undefined;
      if (reason === 'cancel') {
        this.log.info({ job: id }, 'queue: run stopped (cancelled)');
        return { skipped: 'cancelled' };
      }
      if (reason === 'shutdown') {
        // Handed back: queued again for any worker; the server drops this attempt's output.
        await out.released('worker shutdown');
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const error = jobError(e);
      this.log.error({ job: id, code: error.code, err: describeThrown(e) }, 'queue: job failed');
      await out.failed(error);
      throw new UnrecoverableError(`${error.code}: ${error.message}`);
    } finally {
      this.active.delete(id);
    }
  }

  /** The pack folder and source for a job, or Unsuited when this worker cannot run it. */
  private async suitability(data: QueuedJobData): Promise<{ packDir: string; source: PacsAdapter }> {
    const { spec } = data;
    const dflt = path.resolve(this.o.packDir);
    const packDir = spec.pack === undefined ? dflt : path.join(path.dirname(dflt), spec.pack);
    let sha: string;
    try {
      sha = await packSha256(packDir);
    } catch (e) {
      throw new Unsuited('SRV_ERR_PACK_MISMATCH', `pack ${packDir}: not usable here: ${describeThrown(e)}`);
    }
    if (sha !== data.packSha256) {
      throw new Unsuited(
        'SRV_ERR_PACK_MISMATCH',
        `pack ${packDir}: sha256 ${sha.slice(0, 12)}…: expected ${data.packSha256.slice(0, 12)}… (the server's)`,
      );
    }
    const source = spec.sourceId === 'local' ? this.o.server : this.o.sources.get(spec.sourceId);
    if (!source)
      throw new Unsuited('SRV_ERR_WORKER_UNSUITED', `source ${spec.sourceId}: not configured on this worker`);
    const want = spec.device;
    if (want !== undefined && want !== 'auto' && this.o.device !== 'auto' && want !== this.o.device) {
      throw new Unsuited('SRV_ERR_WORKER_UNSUITED', `device ${want}: this worker runs ${this.o.device}`);
    }
    try {
      // Loading verifies every file against the index (so against the hash checked above) and the device.
      await this.packs.acquire(packDir, this.o.device);
    } catch (e) {
      throw new Unsuited('SRV_ERR_WORKER_UNSUITED', `pack ${packDir} on ${this.o.device}: ${describeThrown(e)}`);
    }
    return { packDir, source };
  }

  private async defer(
    job: Job<QueuedJobData>,
    data: QueuedJobData,
    token: string | undefined,
    out: OutWriter,
    why: Unsuited,
  ): Promise<never> {
    const deferrals = (data.deferrals ?? 0) + 1;
    const limit = this.o.maxDeferrals ?? 30;
    if (deferrals > limit) {
      const message = `job ${data.jobId}: no worker could run it after ${limit} hand-backs; last: ${why.message}`;
      await out.start({ worker: this.name, device: this.o.device, number: 1 });
      await out.failed({ code: why.code, message });
      throw new UnrecoverableError(message);
    }
    this.log.warn({ job: data.jobId, deferrals, why: why.message }, 'queue: job handed back: cannot run here');
    await job.updateData({ ...data, deferrals });
    await job.moveToDelayed(Date.now() + (this.o.deferMs ?? 2000), token);
    throw new DelayedError();
  }
}

function jobError(e: unknown): JobError {
  if (e instanceof Error && 'code' in e && typeof e.code === 'string' && /^[A-Z]+_ERR_/.test(e.code)) {
    return { code: e.code, message: e.message };
  }
  return { code: 'SRV_ERR_JOB_FAILED', message: describeThrown(e) };
}
