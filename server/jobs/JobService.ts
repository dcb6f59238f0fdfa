import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describeThrown } from '../../common/index.js';
import { DEVICE_REQUESTS, type DeviceRequest } from '../../models/index.js';
import type { PacsAdapter } from '../../pacs-adapters/index.js';
import { serverError } from '../errors.js';
import { requeuedPatch, type JobDb } from './JobDb.js';
import type { JobCloseOptions } from './JobQueue.js';
import type { JobRecord } from './JobRecord.js';
import { JobServiceCore, type JobCoreOptions } from './JobServiceCore.js';
import { PackPool } from './PackPool.js';
import { runJob, type AbortReason } from './runJob.js';
import { pickRunnable } from './schedule.js';
import type { JobContext } from './stages/JobContext.js';

export type { JobCloseOptions, JobWatch, JobWatchOptions } from './JobQueue.js';

export interface JobServiceOptions extends JobCoreOptions {
  readonly device: DeviceRequest;
  /** CPU jobs running at once (GPU jobs: always one). */
  readonly cpuConcurrency: number;
  /** DDIM steps for jobs that give none (default: the pack's). */
  readonly defaultSteps?: number;
  /** Written into derived instances (SoftwareVersions); `gsdiff serve` passes its VERSION. Default '0.0.0'. */
  readonly softwareVersion?: string;
}

interface Running {
  readonly controller: AbortController;
  readonly gpu: boolean;
  readonly done: Promise<JobRecord>;
}

const PROGRESS_WRITE_MS = 250;

/**
 * The embedded backend of the job queue: records persisted in `<dataDir>/jobs.sqlite`, a scheduler (one GPU job at
 * a time, up to `cpuConcurrency` CPU jobs), the runner in this process (pull -> restore -> publish once -> push
 * back) and progress streams that read restored frames from disk. See README.md for the crash-safety guarantees.
 * @example
 * const jobs = await JobService.open({ dataDir, store, sources, packDir, device: 'cpu', cpuConcurrency: 1, logger, audit });
 * const job = await jobs.submit({ sourceId: 'local', studyInstanceUid, seriesInstanceUid, task: 'auto' }, 'token@::1');
 * for await (const item of jobs.stream(job.id)) if (item.type === 'end') console.log(item.job.state);
 * await jobs.close();
 */
export class JobService extends JobServiceCore {
  readonly backend = 'sqlite' as const;
  private readonly packs: PackPool;
  private readonly running = new Map<string, Running>();
  private readonly reservedNumbers = new Map<string, Set<number>>();

  private constructor(
    private readonly o: JobServiceOptions,
    db: JobDb,
    dataDir: string,
    private readonly release: () => void,
  ) {
    super(o, db, dataDir);
    this.packs = new PackPool(this.log);
  }

  /**
   * Opens the job database (creating and migrating it), recovers jobs a crash left running, and starts the queue.
   * Recovery: a 'running' job whose recorded derived series is in the store is marked published and done (or goes
   * on to push-back), never published again; any other is queued again with its scratch removed (its uncommitted
   * stage was already removed by the store's own recovery), or failed with SRV_ERR_JOB_INTERRUPTED after
   * `maxAttempts` starts.
   * @throws SRV_ERR_CONFIG for invalid options; SRV_ERR_JOB_STORE when the database cannot be opened; SRV_ERR_CONFLICT
   *   when a JobService of this process already has the folder open
   */
  static async open(o: JobServiceOptions): Promise<JobService> {
    if (!Number.isInteger(o.cpuConcurrency) || o.cpuConcurrency < 1) {
      throw serverError('SRV_ERR_CONFIG', `cpuConcurrency: expected an integer >= 1, got ${o.cpuConcurrency}`, {
        field: 'cpuConcurrency',
      });
    }
    if (o.defaultSteps !== undefined && !(Number.isInteger(o.defaultSteps) && o.defaultSteps >= 1)) {
      throw serverError('SRV_ERR_CONFIG', `defaultSteps: expected an integer >= 1, got ${o.defaultSteps}`, {
        field: 'defaultSteps',
      });
    }
    if (!DEVICE_REQUESTS.includes(o.device)) {
      throw serverError('SRV_ERR_CONFIG', `device: expected ${DEVICE_REQUESTS.join(' | ')}, got ${o.device}`, {
        field: 'device',
      });
    }
    const { dir, db, release } = await JobServiceCore.claim(o.dataDir);
    const service = new JobService(o, db, dir, release);
    try {
      await service.recover();
    } catch (e) {
      release();
      throw e;
    }
    service.pump();
    return service;
  }

  /**
   * Cancels a job: a queued one never starts; a running one stops at its next cancellation point (between windows,
   * before the commit) and its stage is discarded; resolves with the record once it has stopped. A job past its
   * commit finishes as done (a published series is never taken back).
   * @throws SRV_ERR_NOT_FOUND for an unknown id; SRV_ERR_CONFLICT for a job that already ended
   */
  async cancel(id: string): Promise<JobRecord> {
    const job = this.db.get(id);
    if (!job) throw serverError('SRV_ERR_NOT_FOUND', `job ${id}: expected an existing job id`, { job: id });
    const run = this.running.get(id);
    if (run) {
      const reason: AbortReason = 'cancel';
      run.controller.abort(reason);
      return run.done;
    }
    if (job.state === 'queued') {
      this.log.info({ job: id }, 'queued job cancelled');
      return this.update(id, { state: 'cancelled', finishedAt: new Date().toISOString() });
    }
    throw serverError('SRV_ERR_CONFLICT', `job ${id} is ${job.state}: expected a queued or running job`, {
      job: id,
      state: job.state,
    });
  }

  /** Jobs running now (ids). */
  runningJobs(): string[] {
    return [...this.running.keys()];
  }

  /**
   * Stops accepting jobs, stops watchers, stops (default) or waits for running jobs, ends every stream, releases the
   * packs and closes the database. Queued jobs stay queued for the next start. Idempotent.
   */
  async close(options: JobCloseOptions = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await this.stopWatches();
    const runs = [...this.running.values()];
    if (options.running !== 'finish') {
      const reason: AbortReason = 'shutdown';
      for (const r of runs) r.controller.abort(reason);
    }
    await Promise.allSettled(runs.map((r) => r.done));
    this.endListeners();
    await this.packs.close();
    this.release();
    this.log.info('job service closed');
  }

  protected async dispatch(): Promise<void> {
    this.pump();
  }

  // -- internals ---------------------------------------------------------------------------------------------------

  private async recover(): Promise<void> {
    const maxAttempts = this.o.maxAttempts ?? 3;
    const now = new Date().toISOString();
    for (const job of this.db.inState('running')) {
      const derived = job.derivedSeriesInstanceUid;
      const published = derived !== undefined && this.o.store.listInstances(derived).length > 0;
      if (published) {
        const pushPending = job.spec.pushBack === true && job.spec.sourceId !== 'local' && !job.pushBack;
        this.db.update(job.id, {
          publishedAt: job.publishedAt ?? now,
          stage: null,
          ...(pushPending ? { state: 'queued' } : { state: 'done', finishedAt: now }),
        });
        this.log.warn(
          { job: job.id, derived, pushPending },
          'recovery: derived series already published: not published again',
        );
        await rm(path.join(this.jobDir(job.id), 'input'), { recursive: true, force: true });
        continue;
      }
      await rm(this.jobDir(job.id), { recursive: true, force: true });
      if (job.attempts >= maxAttempts) {
        this.db.update(job.id, {
          state: 'failed',
          stage: null,
          error: {
            code: 'SRV_ERR_JOB_INTERRUPTED',
            message: `job ${job.id}: interrupted by a restart ${job.attempts} times: expected at most ${maxAttempts - 1}`,
          },
          finishedAt: now,
        });
        this.log.error({ job: job.id, attempts: job.attempts }, 'recovery: job given up');
        continue;
      }
      this.db.update(job.id, requeuedPatch());
      this.log.warn({ job: job.id, attempts: job.attempts }, 'recovery: interrupted job queued again');
    }
  }

  /** Starts whatever the limits allow, oldest first. */
  private pump(): void {
    if (this.closing) return;
    const queued = this.db.inState('queued').filter((j) => !this.running.has(j.id));
    const device = (j: JobRecord): DeviceRequest => j.spec.device ?? this.o.device;
    const picked = pickRunnable(
      queued.map((j) => ({ id: j.id, gpu: this.packs.isGpu(device(j)) })),
      [...this.running].map(([id, r]) => ({ id, gpu: r.gpu })),
      this.o.cpuConcurrency,
    );
    for (const id of picked) {
      const job = queued.find((j) => j.id === id) as JobRecord;
      this.start(job, this.packs.isGpu(device(job)));
    }
  }

  private start(queued: JobRecord, gpu: boolean): void {
    const controller = new AbortController();
    const job = this.update(queued.id, {
      state: 'running',
      attempts: queued.attempts + 1,
      startedAt: new Date().toISOString(),
      error: null,
    });
    const reserved: [string, number][] = [];
    let lastProgressWrite = 0;
    const ctx: JobContext = {
      job,
      jobDir: this.jobDir(job.id),
      store: this.o.store,
      sourceId: job.spec.sourceId,
      source: this.sources.get(job.spec.sourceId) as PacsAdapter,
      packs: this.packs,
      packDir: this.packPath(job.spec.pack),
      device: job.spec.device ?? this.o.device,
      defaultSteps: this.o.defaultSteps,
      softwareVersion: this.o.softwareVersion ?? '0.0.0',
      signal: controller.signal,
      logger: this.log.child({ job: job.id }),
      update: (patch) => this.update(job.id, patch),
      frameWritten: (index, done, total) => {
        // The frames on disk are the truth for streams; the record's progress is written at most every 250 ms.
        const t = performance.now();
        if (done === total || t - lastProgressWrite >= PROGRESS_WRITE_MS) {
          lastProgressWrite = t;
          this.db.update(job.id, { progress: { done, total } });
        }
        this.emit(job.id, { type: 'frame', jobId: job.id, index, done, total });
      },
      takenSeriesNumbers: (study) => [
        ...this.o.store.listSeries(study).map((s) => s.seriesNumber ?? 0),
        ...(this.reservedNumbers.get(study) ?? []),
      ],
      reserveSeriesNumber: (study, n) => {
        let set = this.reservedNumbers.get(study);
        if (!set) this.reservedNumbers.set(study, (set = new Set()));
        set.add(n);
        reserved.push([study, n]);
      },
    };
    // The device asked for; the one it runs on is known when the pack loads ("job runs on …", restoreFrames). The
    // scheduler's gpu flag is not logged: before `auto` has resolved it assumes a GPU, which read as a fact.
    this.log.info({ job: job.id, attempt: job.attempts, device: ctx.device }, 'job started');
    const done = runJob(ctx)
      .catch((e: unknown) => {
        // runJob records every failure itself; this only guards against a failing database write.
        this.log.error({ job: job.id, err: describeThrown(e) }, 'job runner failed');
        return this.db.get(job.id) as JobRecord;
      })
      .finally(() => {
        for (const [study, n] of reserved) this.reservedNumbers.get(study)?.delete(n);
        this.running.delete(job.id);
        this.pump();
      });
    this.running.set(job.id, { controller, gpu, done });
  }
}
