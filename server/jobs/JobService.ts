import { randomInt, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describeThrown, type Logger } from '../../common/index.js';
import { DEVICE_REQUESTS, type DeviceRequest } from '../../models/index.js';
import {
  isUid,
  LocalStoreAdapter,
  SeriesWatcher,
  type LocalStore,
  type PacsAdapter,
  type SeriesRule,
  type StableSeries,
  type StudyQuery,
} from '../../pacs-adapters/index.js';
import type { AuditLog } from '../AuditLog.js';
import { serverError } from '../errors.js';
import { framesDir } from './frameFiles.js';
import { JobDb, type JobPatch } from './JobDb.js';
import {
  JOB_STATES,
  TERMINAL_STATES,
  type JobList,
  type JobRecord,
  type JobSpec,
  type JobState,
  type JobTrigger,
} from './JobRecord.js';
import { streamJob, type JobEvent, type JobStreamItem } from './jobStream.js';
import { PackPool } from './PackPool.js';
import { runJob, type AbortReason } from './runJob.js';
import { pickRunnable } from './schedule.js';
import type { JobContext } from './stages/JobContext.js';

export interface JobServiceOptions {
  /** Holds `jobs.sqlite` and `jobs/<id>/` (scratch input and restored frames). */
  readonly dataDir: string;
  /** The local store derived series are published into (borrowed: the caller closes it). */
  readonly store: LocalStore;
  /** PACS connections by id (borrowed); 'local' is added (a LocalStoreAdapter over `store`) when missing. */
  readonly sources: ReadonlyMap<string, PacsAdapter>;
  /** The default pack folder; `spec.pack` names a folder beside it. */
  readonly packDir: string;
  readonly device: DeviceRequest;
  /** CPU jobs running at once (GPU jobs: always one). */
  readonly cpuConcurrency: number;
  readonly logger: Logger;
  readonly audit: AuditLog;
  /** DDIM steps for jobs that give none (default: the pack's). */
  readonly defaultSteps?: number;
  /** Written into derived instances (SoftwareVersions); `gsdiff serve` passes its VERSION. Default '0.0.0'. */
  readonly softwareVersion?: string;
  /** Starts of one job that a crash may interrupt before recovery gives it up (default 3). */
  readonly maxAttempts?: number;
}

export interface JobCloseOptions {
  /** 'abort' (default): running jobs stop now and are queued again for the next start; 'finish': wait for them. */
  readonly running?: 'abort' | 'finish';
}

/** Auto-processing of one source (ServerConfig.watch plus what the tests inject). */
export interface JobWatchOptions {
  readonly sourceId: string;
  readonly rules: readonly SeriesRule[];
  readonly stableAfterMs: number;
  readonly pollIntervalMs: number;
  /** Task of the jobs it submits (default 'auto'). */
  readonly task?: JobSpec['task'];
  readonly pushBack?: boolean;
  readonly studyQuery?: StudyQuery;
  /** Injected clock (tests). */
  readonly now?: () => number;
  /** Start polling on a timer (default true); false: only `poll()` drives it (tests, "scan now"). */
  readonly start?: boolean;
}

/** A running watcher. */
export interface JobWatch {
  /** One poll now; resolves to the series handed over (each submitted unless a job already covers it). */
  poll(): Promise<StableSeries[]>;
  stop(): Promise<void>;
}

interface Running {
  readonly controller: AbortController;
  readonly gpu: boolean;
  readonly done: Promise<JobRecord>;
}

const PACK_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const PROGRESS_WRITE_MS = 250;
const openDirs = new Set<string>();

/**
 * The restoration job system: a queue persisted in `<dataDir>/jobs.sqlite`, a scheduler (one GPU job at a time, up
 * to `cpuConcurrency` CPU jobs), the runner (pull -> restore -> publish once -> push back) and progress streams that
 * read restored frames from disk. See README.md for the crash-safety guarantees.
 * @example
 * const jobs = await JobService.open({ dataDir, store, sources, packDir, device: 'cpu', cpuConcurrency: 1, logger, audit });
 * const job = await jobs.submit({ sourceId: 'local', studyInstanceUid, seriesInstanceUid, task: 'auto' }, 'token@::1');
 * for await (const item of jobs.stream(job.id)) if (item.type === 'end') console.log(item.job.state);
 * await jobs.close();
 */
export class JobService {
  private readonly sources: ReadonlyMap<string, PacsAdapter>;
  private readonly packs: PackPool;
  private readonly running = new Map<string, Running>();
  private readonly listeners = new Map<string, Set<(ev: JobEvent) => void>>();
  private readonly reservedNumbers = new Map<string, Set<number>>();
  private readonly watches = new Set<JobWatch>();
  private readonly log: Logger;
  private closing = false;

  private constructor(
    private readonly o: JobServiceOptions,
    private readonly db: JobDb,
    private readonly dataDir: string,
  ) {
    this.log = o.logger.child({ module: 'server/jobs' });
    this.packs = new PackPool(this.log);
    const sources = new Map(o.sources);
    if (!sources.has('local')) sources.set('local', new LocalStoreAdapter(o.store));
    this.sources = sources;
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
    const dataDir = path.resolve(o.dataDir);
    if (openDirs.has(dataDir)) {
      throw serverError('SRV_ERR_CONFLICT', `JobService.open: ${dataDir} is already open in this process`, {
        file: dataDir,
      });
    }
    await mkdir(path.join(dataDir, 'jobs'), { recursive: true });
    const db = JobDb.open(dataDir);
    openDirs.add(dataDir);
    const service = new JobService(o, db, dataDir);
    try {
      await service.recover();
    } catch (e) {
      db.close();
      openDirs.delete(dataDir);
      throw e;
    }
    service.pump();
    return service;
  }

  /**
   * Validates and queues a job.
   * @param spec - what to restore
   * @param actor - who asked (recorded; the audit entry is the caller's, except for watcher jobs)
   * @throws SRV_ERR_BAD_REQUEST for an unknown source, pack, task, device, steps or a malformed UID;
   *   SRV_ERR_NOT_FOUND when the source has no such series; SRV_ERR_UNAVAILABLE when closing or the source cannot
   *   be asked
   */
  async submit(spec: JobSpec, actor: string, trigger?: JobTrigger): Promise<JobRecord> {
    this.assertOpen('submit');
    const clean = this.validate(spec);
    await this.assertSeriesExists(clean);
    this.assertOpen('submit');
    const job = this.db.insert({
      id: randomUUID(),
      spec: clean,
      actor,
      seed: randomInt(1, 2 ** 31 - 1),
      trigger,
      createdAt: new Date().toISOString(),
    });
    this.log.info({ job: job.id, source: clean.sourceId, series: clean.seriesInstanceUid, actor }, 'job queued');
    this.emit(job.id, { type: 'job', job });
    this.pump();
    return job;
  }

  /** The job, or undefined for an unknown id. */
  get(id: string): JobRecord | undefined {
    return this.db.get(id);
  }

  /**
   * Jobs newest first.
   * @throws SRV_ERR_BAD_REQUEST for an unknown state or a limit/offset out of range
   */
  list(filter: { state?: string; limit?: number; offset?: number } = {}): JobList {
    const { state, limit = 50, offset = 0 } = filter;
    if (state !== undefined && !JOB_STATES.includes(state as JobState)) {
      throw serverError(
        'SRV_ERR_BAD_REQUEST',
        `state: expected ${JOB_STATES.join(' | ')}, got ${JSON.stringify(state)}`,
        {
          field: 'state',
        },
      );
    }
    if (!(Number.isInteger(limit) && limit >= 1 && limit <= 500)) {
      throw serverError('SRV_ERR_BAD_REQUEST', `limit: expected an integer 1..500, got ${limit}`, { field: 'limit' });
    }
    if (!(Number.isInteger(offset) && offset >= 0)) {
      throw serverError('SRV_ERR_BAD_REQUEST', `offset: expected an integer >= 0, got ${offset}`, { field: 'offset' });
    }
    return this.db.list({ state: state as JobState | undefined, limit, offset });
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

  /**
   * Listens to one job's events (record changes, frames reaching disk). Returns the unsubscribe function.
   * @throws SRV_ERR_NOT_FOUND for an unknown id
   */
  subscribe(id: string, listener: (ev: JobEvent) => void): () => void {
    if (!this.db.get(id)) throw serverError('SRV_ERR_NOT_FOUND', `job ${id}: expected an existing job id`, { job: id });
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(id) === set) this.listeners.delete(id);
    };
  }

  /**
   * One job as a pull stream: its record, then record changes and every restored frame from index `from` on (read
   * from disk, in order, only as fast as the consumer pulls), then `end` with the final record.
   * @throws SRV_ERR_NOT_FOUND (on the first pull) for an unknown id; SRV_ERR_UNAVAILABLE when the service closes
   */
  stream(
    id: string,
    options: { from?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<JobStreamItem, void, undefined> {
    return streamJob(
      {
        get: (j) => this.get(j),
        subscribe: (j, l) => this.subscribe(j, l),
        framesDir: (j) => framesDir(this.dataDir, j),
      },
      id,
      options.from ?? 0,
      options.signal,
    );
  }

  /**
   * Auto-processing: a SeriesWatcher on one source whose completed, rule-matching series become jobs (actor
   * `watch:<rule>`, audited as job.create). A series already covered (a queued/running job, a finished job from the
   * API, or a watcher job of the same instance count) is not submitted again.
   * @throws SRV_ERR_CONFIG for an unknown source
   */
  startWatching(w: JobWatchOptions): JobWatch {
    this.assertOpen('startWatching');
    const adapter = this.sources.get(w.sourceId);
    if (!adapter) {
      throw serverError(
        'SRV_ERR_CONFIG',
        `watch.sourceId: expected one of ${[...this.sources.keys()].join(', ')}, got ${w.sourceId}`,
        {
          field: 'watch.sourceId',
        },
      );
    }
    const watcher = new SeriesWatcher({
      adapter,
      rules: w.rules,
      stableAfterMs: w.stableAfterMs,
      pollIntervalMs: w.pollIntervalMs,
      studyQuery: w.studyQuery,
      now: w.now,
      logger: this.log,
      onStable: (s) => this.onStable(w, s),
    });
    if (w.start !== false) watcher.start();
    const handle: JobWatch = {
      poll: () => watcher.poll(),
      stop: async () => {
        this.watches.delete(handle);
        await watcher.stop();
      },
    };
    this.watches.add(handle);
    return handle;
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
    for (const w of [...this.watches]) await w.stop();
    const runs = [...this.running.values()];
    if (options.running !== 'finish') {
      const reason: AbortReason = 'shutdown';
      for (const r of runs) r.controller.abort(reason);
    }
    await Promise.allSettled(runs.map((r) => r.done));
    for (const [id, set] of this.listeners) for (const l of [...set]) safeCall(l, { type: 'closed' }, this.log, id);
    this.listeners.clear();
    await this.packs.close();
    this.db.close();
    openDirs.delete(this.dataDir);
    this.log.info('job service closed');
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
      this.db.update(job.id, {
        state: 'queued',
        stage: null,
        progress: { done: 0, total: 0 },
        timings: {},
        degradation: null,
        derivedSeriesInstanceUid: null,
        startedAt: null,
      });
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
    this.log.info({ job: job.id, attempt: job.attempts, gpu }, 'job started');
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

  private update(id: string, patch: JobPatch): JobRecord {
    const job = this.db.update(id, patch);
    this.emit(id, { type: 'job', job });
    if (TERMINAL_STATES.has(job.state) && patch.state !== undefined) {
      this.log.info({ job: id, state: job.state, attempts: job.attempts }, 'job ended');
    }
    return job;
  }

  private emit(id: string, ev: JobEvent): void {
    const set = this.listeners.get(id);
    if (set) for (const l of [...set]) safeCall(l, ev, this.log, id);
  }

  private async onStable(w: JobWatchOptions, s: StableSeries): Promise<void> {
    if (this.closing) return;
    const { studyInstanceUid, seriesInstanceUid } = s.summary;
    const covered = this.db
      .forSeries(w.sourceId, seriesInstanceUid)
      .some(
        (j) =>
          j.state === 'queued' ||
          j.state === 'running' ||
          (j.state === 'done' && (j.trigger === undefined || j.trigger.instances === s.instances)),
      );
    if (covered) {
      this.log.debug({ series: seriesInstanceUid, rule: s.rule.name }, 'watch: series already covered by a job');
      return;
    }
    const actor = `watch:${s.rule.name}`;
    const job = await this.submit(
      {
        sourceId: w.sourceId,
        studyInstanceUid,
        seriesInstanceUid,
        task: w.task ?? 'auto',
        ...(w.pushBack !== undefined ? { pushBack: w.pushBack } : {}),
      },
      actor,
      { rule: s.rule.name, instances: s.instances },
    );
    this.o.audit.record({
      actor,
      action: 'job.create',
      studyInstanceUid,
      seriesInstanceUid,
      jobId: job.id,
      outcome: 'ok',
    });
  }

  private validate(spec: JobSpec): JobSpec {
    const bad = (field: string, expected: string, got: unknown): never => {
      throw serverError('SRV_ERR_BAD_REQUEST', `${field}: expected ${expected}, got ${JSON.stringify(got)}`, { field });
    };
    if (typeof spec.sourceId !== 'string' || !this.sources.has(spec.sourceId)) {
      bad('sourceId', `one of ${[...this.sources.keys()].join(', ')}`, spec.sourceId);
    }
    if (typeof spec.studyInstanceUid !== 'string' || !isUid(spec.studyInstanceUid))
      bad('studyInstanceUid', 'a DICOM UID', spec.studyInstanceUid);
    if (typeof spec.seriesInstanceUid !== 'string' || !isUid(spec.seriesInstanceUid))
      bad('seriesInstanceUid', 'a DICOM UID', spec.seriesInstanceUid);
    if (spec.task !== 'denoise' && spec.task !== 'deblur' && spec.task !== 'auto')
      bad('task', 'denoise | deblur | auto', spec.task);
    if (spec.steps !== undefined && !(Number.isInteger(spec.steps) && spec.steps >= 1 && spec.steps <= 1000))
      bad('steps', 'an integer 1..1000', spec.steps);
    if (spec.device !== undefined && !DEVICE_REQUESTS.includes(spec.device))
      bad('device', DEVICE_REQUESTS.join(' | '), spec.device);
    if (spec.pack !== undefined) {
      if (typeof spec.pack !== 'string' || !PACK_NAME.test(spec.pack) || spec.pack === '.' || spec.pack === '..')
        bad('pack', 'the name of an installed pack', spec.pack);
      if (!existsSync(path.join(this.packPath(spec.pack), 'model_index.json')))
        bad('pack', `a pack folder in ${path.dirname(path.resolve(this.o.packDir))}`, spec.pack);
    }
    if (spec.pushBack !== undefined && typeof spec.pushBack !== 'boolean') bad('pushBack', 'a boolean', spec.pushBack);
    return {
      sourceId: spec.sourceId,
      studyInstanceUid: spec.studyInstanceUid,
      seriesInstanceUid: spec.seriesInstanceUid,
      task: spec.task,
      ...(spec.pack !== undefined ? { pack: spec.pack } : {}),
      ...(spec.steps !== undefined ? { steps: spec.steps } : {}),
      ...(spec.device !== undefined ? { device: spec.device } : {}),
      ...(spec.pushBack !== undefined ? { pushBack: spec.pushBack } : {}),
    };
  }

  private async assertSeriesExists(spec: JobSpec): Promise<void> {
    const { sourceId, studyInstanceUid: study, seriesInstanceUid: series } = spec;
    let n: number;
    if (sourceId === 'local') {
      n = this.o.store.listInstances(series).filter((i) => i.studyInstanceUid === study).length;
    } else {
      try {
        n = (await (this.sources.get(sourceId) as PacsAdapter).listInstances(study, series)).length;
      } catch (e) {
        throw serverError(
          'SRV_ERR_UNAVAILABLE',
          `source ${sourceId}: cannot list series ${series}: ${describeThrown(e)}`,
          { source: sourceId, seriesInstanceUid: series },
          e,
        );
      }
    }
    if (n === 0) {
      throw serverError(
        'SRV_ERR_NOT_FOUND',
        `source ${sourceId}: series ${series} of study ${study}: expected an existing series`,
        {
          source: sourceId,
          studyInstanceUid: study,
          seriesInstanceUid: series,
        },
      );
    }
  }

  private packPath(name: string | undefined): string {
    const dflt = path.resolve(this.o.packDir);
    return name === undefined ? dflt : path.join(path.dirname(dflt), name);
  }

  private jobDir(id: string): string {
    return path.join(this.dataDir, 'jobs', id);
  }

  private assertOpen(operation: string): void {
    if (this.closing) {
      throw serverError('SRV_ERR_UNAVAILABLE', `JobService.${operation}: the job service is closing`, {});
    }
  }
}

function safeCall(l: (ev: JobEvent) => void, ev: JobEvent, log: Logger, id: string): void {
  try {
    l(ev);
  } catch (e) {
    log.warn({ job: id, err: describeThrown(e) }, 'job listener threw');
  }
}
