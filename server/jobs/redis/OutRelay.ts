import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { describeThrown, type Logger } from '../../../common/index.js';
import type { LocalStore, StagedSeries } from '../../../pacs-adapters/index.js';
import { framesDir, FrameWriter } from '../frameFiles.js';
import { requeuedPatch, type JobPatch } from '../JobDb.js';
import { TERMINAL_STATES, type JobRecord, type JobTimings } from '../JobRecord.js';
import type { JobEvent } from '../jobStream.js';
import { decodeOutEntry, type OutEntry, type WorkerPatch } from './outEntries.js';
import { KEYS, MARKER_TTL_S } from './queueKeys.js';

/** What the relay needs from the server's job service. */
export interface RelayHost {
  readonly dataDir: string;
  readonly store: LocalStore;
  readonly logger: Logger;
  get(id: string): JobRecord | undefined;
  update(id: string, patch: JobPatch): JobRecord;
  emit(id: string, ev: JobEvent): void;
  /** After the commit: push-back (when asked) and the final record; runs outside the relay loop. */
  published(job: JobRecord, timings: JobTimings): void;
}

/** One attempt of one job being relayed. */
interface Attempt {
  readonly token: string;
  /** Entry ids kept until the job ends: a restarted server replays them (its stage did not survive). */
  readonly retained: string[];
  frames?: FrameWriter;
  stage?: StagedSeries;
  /** sha256 of every instance added to the stage: a re-delivered entry (same bytes) is applied once. */
  readonly added: Set<string>;
  instances: number;
  lastProgressWrite: number;
  committing?: Promise<void>;
}

const PROGRESS_WRITE_MS = 250;
const READ_COUNT = 32;
const BLOCK_MS = 1000;

/**
 * The server's side of the output stream (`gsdiff:out`): frames go to the job's frames folder (the same files the
 * embedded backend writes, so the websocket stream, `from=n` resume and backpressure work unchanged), derived
 * instances into a store stage, and the worker's `complete` becomes the one commit of that stage. Only the attempt
 * that started last is taken; output of any other attempt is dropped. Frames are deleted from Redis once on disk;
 * the rest of an attempt stays until the job ends, so a restarted server replays it from the stream's start.
 */
export class OutRelay {
  private readonly attempts = new Map<string, Attempt>();
  private cursor = '0';
  private caughtUp = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly log: Logger;

  constructor(
    private readonly host: RelayHost,
    /** A connection of its own: XREAD BLOCK holds it. */
    private readonly reader: Redis,
    /** For XDEL and markers. */
    private readonly redis: Redis,
  ) {
    this.log = host.logger.child({ module: 'server/jobs/redis' });
  }

  /** Reads everything the stream holds now (the replay after a start); resolves once caught up. */
  async drain(): Promise<void> {
    for (;;) {
      const n = await this.readOnce(false);
      if (n === 0) return;
    }
  }

  /** Relays until `stop()`; `onIdle` runs after each read that found nothing new (reconciliation point). */
  start(onIdle: () => Promise<void>): void {
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const n = await this.readOnce(true);
          if (n === 0 && !this.stopped) await onIdle();
        } catch (e) {
          if (this.stopped) break;
          this.log.warn({ err: describeThrown(e) }, 'queue: reading worker output failed; retrying');
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    })();
  }

  /** Stops reading (workers keep running; the next server start replays what is left) and drops open stages. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.reader.disconnect();
    await this.loop;
    for (const a of this.attempts.values()) await a.committing?.catch(() => undefined);
    for (const a of this.attempts.values()) await a.stage?.abort().catch(() => undefined);
    this.attempts.clear();
  }

  /** Server time (ms) at which a read last found nothing new: every entry written before it has been applied. */
  get caughtUpAt(): number {
    return this.caughtUp;
  }

  /** True while the job's stage is being committed (a cancel then waits: a job past its commit ends done). */
  committing(jobId: string): Promise<void> | undefined {
    return this.attempts.get(jobId)?.committing;
  }

  /** Forgets a job's attempt (cancel, failure reported by BullMQ): its stage is dropped and its entries deleted. */
  async discard(jobId: string): Promise<void> {
    const a = this.attempts.get(jobId);
    if (!a) return;
    this.attempts.delete(jobId);
    await a.stage?.abort().catch(() => undefined);
    await this.del(a.retained);
  }

  private async readOnce(block: boolean): Promise<number> {
    const issued = Date.now();
    const args: (string | number)[] = ['COUNT', READ_COUNT];
    if (block) args.push('BLOCK', BLOCK_MS);
    const res = (await this.reader.xreadBuffer(...(args as ['COUNT', number]), 'STREAMS', KEYS.out, this.cursor)) as
      [Buffer, [Buffer, Buffer[]][]][] | null;
    const entries = res?.[0]?.[1] ?? [];
    if (entries.length === 0) {
      this.caughtUp = issued;
      // Caught up: the cursor is "now", so workers' backpressure measures only real lag.
      await this.redis.set(KEYS.relayCursor, `${Date.now()}-0`);
      return 0;
    }
    for (const [idBuf, fields] of entries) {
      const id = idBuf.toString('latin1');
      this.cursor = id;
      let entry: OutEntry;
      try {
        entry = decodeOutEntry(fields);
      } catch (e) {
        this.log.warn({ id, err: describeThrown(e) }, 'queue: unreadable worker output entry dropped');
        await this.del([id]);
        continue;
      }
      try {
        await this.handle(id, entry);
      } catch (e) {
        await this.failJob(entry.jobId, 'SRV_ERR_JOB_FAILED', `relaying worker output: ${describeThrown(e)}`, e);
      }
    }
    await this.redis.set(KEYS.relayCursor, this.cursor);
    return entries.length;
  }

  private async handle(id: string, e: OutEntry): Promise<void> {
    const job = this.host.get(e.jobId);
    if (!job || TERMINAL_STATES.has(job.state) || job.publishedAt) {
      // Output of an ended job (cancelled, failed, or a retry that raced the publish): nothing to keep.
      await this.del([id]);
      return;
    }
    if (e.type === 'start') return this.begin(id, job, e);
    const a = this.attempts.get(e.jobId);
    if (!a || a.token !== e.attempt) {
      await this.del([id]);
      return;
    }
    switch (e.type) {
      case 'record':
        a.retained.push(id);
        this.host.update(e.jobId, workerPatch(e.patch));
        return;
      case 'meta':
        a.retained.push(id);
        a.frames = await FrameWriter.resume(framesDir(this.host.dataDir, e.jobId), e.meta);
        return;
      case 'frame': {
        if (!a.frames) throw new Error(`frame ${e.index} before the frames' meta entry`);
        const done = await a.frames.write(e.index, e.payload);
        await this.del([id]);
        const t = performance.now();
        if (done === e.total || t - a.lastProgressWrite >= PROGRESS_WRITE_MS) {
          a.lastProgressWrite = t;
          this.host.update(e.jobId, { progress: { done, total: e.total } });
        }
        this.host.emit(e.jobId, { type: 'frame', jobId: e.jobId, index: e.index, done, total: e.total });
        return;
      }
      case 'instance': {
        // An XADD whose reply was lost in a Redis restart is resent by the client: the stream then holds the same
        // instance twice. Identical bytes are the same instance; a different one with a taken UID still fails.
        const digest = createHash('sha256').update(e.payload).digest('hex');
        if (a.added.has(digest)) {
          this.log.warn({ jobId: e.jobId, id }, 'queue: instance delivered twice; applied once');
          await this.del([id]);
          return;
        }
        a.retained.push(id);
        a.stage ??= await this.host.store.stageSeries();
        await a.stage.add(e.payload, `gsdiff job ${e.jobId}`);
        a.added.add(digest);
        a.instances++;
        return;
      }
      case 'complete':
        a.retained.push(id);
        return this.commit(job, a, e);
      case 'failed':
        this.attempts.delete(e.jobId);
        await a.stage?.abort().catch(() => undefined);
        this.host.update(e.jobId, { state: 'failed', stage: null, error: e.error, finishedAt: now() });
        await this.del([...a.retained, id]);
        return;
      case 'released':
        this.attempts.delete(e.jobId);
        await a.stage?.abort().catch(() => undefined);
        this.log.info({ job: e.jobId, reason: e.reason }, 'queue: a worker handed the job back: queued again');
        this.host.update(e.jobId, requeuedPatch());
        await this.del([...a.retained, id]);
        return;
    }
  }

  private async begin(id: string, job: JobRecord, e: Extract<OutEntry, { type: 'start' }>): Promise<void> {
    const prev = this.attempts.get(e.jobId);
    if (prev?.token === e.attempt) {
      prev.retained.push(id);
      return;
    }
    if (prev) {
      // A retry (the previous worker stalled): nothing of the previous attempt is kept.
      this.attempts.delete(e.jobId);
      await prev.stage?.abort().catch(() => undefined);
      await this.del(prev.retained);
    }
    this.attempts.set(e.jobId, {
      token: e.attempt,
      retained: [id],
      added: new Set(),
      instances: 0,
      lastProgressWrite: 0,
    });
    this.log.info({ job: e.jobId, worker: e.worker, device: e.device, attempt: e.number }, 'queue: job started');
    this.host.update(e.jobId, {
      state: 'running',
      stage: null,
      attempts: Math.max(job.attempts, e.number),
      startedAt: now(),
      error: null,
    });
  }

  private async commit(job: JobRecord, a: Attempt, e: Extract<OutEntry, { type: 'complete' }>): Promise<void> {
    if (a.instances !== e.instances || !a.stage) {
      throw new Error(`job ${job.id}: the worker reported ${e.instances} derived instances, ${a.instances} arrived`);
    }
    const stage = a.stage;
    this.host.update(job.id, { stage: 'publish', derivedSeriesInstanceUid: e.derivedSeriesInstanceUid });
    const t0 = performance.now();
    let release: () => void = () => undefined;
    a.committing = new Promise<void>((r) => (release = r));
    try {
      await stage.commit();
      // The very next step records it (a crash in between: the start-up recovery finds the series in the store).
      const published = this.host.update(job.id, { publishedAt: now() });
      this.attempts.delete(job.id);
      await this.redis.set(KEYS.published(job.id), e.derivedSeriesInstanceUid, 'EX', MARKER_TTL_S);
      this.host.published(published, { ...e.timings, publish: Math.round(performance.now() - t0) });
    } catch (err) {
      await stage.abort().catch(() => undefined);
      throw err;
    } finally {
      release();
    }
    await this.del(a.retained);
  }

  private async failJob(jobId: string, code: string, message: string, e: unknown): Promise<void> {
    this.log.error({ job: jobId, err: describeThrown(e) }, 'queue: job failed on the server side');
    await this.discard(jobId);
    const job = this.host.get(jobId);
    if (job && !TERMINAL_STATES.has(job.state) && !job.publishedAt) {
      this.host.update(jobId, { state: 'failed', stage: null, error: { code, message }, finishedAt: now() });
      // The worker's run is pointless now: stop it.
      await this.redis.set(KEYS.cancelled(jobId), '1', 'EX', MARKER_TTL_S).catch(() => undefined);
      await this.redis.publish(KEYS.cancelChannel, jobId).catch(() => undefined);
    }
  }

  private async del(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xdel(KEYS.out, ...ids);
  }
}

function workerPatch(p: WorkerPatch): JobPatch {
  return {
    ...(p.stage !== undefined ? { stage: p.stage } : {}),
    ...(p.degradation !== undefined ? { degradation: p.degradation } : {}),
    ...(p.derivedSeriesInstanceUid !== undefined ? { derivedSeriesInstanceUid: p.derivedSeriesInstanceUid } : {}),
    ...(p.progress !== undefined ? { progress: p.progress } : {}),
  };
}

function now(): string {
  return new Date().toISOString();
}
