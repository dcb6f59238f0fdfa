import { randomInt, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describeThrown, type Logger } from '../../common/index.js';
import { DEFAULT_STRENGTH, DEVICE_REQUESTS, isStrength, STRENGTHS } from '../../models/index.js';
import {
  DERIVED_VIDEO_ENCODINGS,
  isDerivedVideoEncoding,
  isUid,
  LocalStoreAdapter,
  SeriesWatcher,
  type LocalStore,
  type PacsAdapter,
  type StableSeries,
} from '../../pacs-adapters/index.js';
import type { AuditLog } from '../AuditLog.js';
import { serverError } from '../errors.js';
import { framesDir } from './frameFiles.js';
import { JobDb, type JobPatch } from './JobDb.js';
import type { JobCloseOptions, JobQueue, JobWatch, JobWatchOptions, QueueBackend } from './JobQueue.js';
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

/** What both backends need: the data folder with `jobs.sqlite`, the store, the sources and the packs. */
export interface JobCoreOptions {
  /** Holds `jobs.sqlite` and `jobs/<id>/` (scratch input and restored frames). */
  readonly dataDir: string;
  /** The local store derived series are published into (borrowed: the caller closes it). */
  readonly store: LocalStore;
  /** PACS connections by id (borrowed); 'local' is added (a LocalStoreAdapter over `store`) when missing. */
  readonly sources: ReadonlyMap<string, PacsAdapter>;
  /** The default pack folder; `spec.pack` names a folder beside it. */
  readonly packDir: string;
  readonly logger: Logger;
  readonly audit: AuditLog;
  /** Starts of one job that a crash may interrupt before it is given up (default 3). */
  readonly maxAttempts?: number;
}

const PACK_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const openDirs = new Set<string>();

/**
 * The part of the job system both backends share: the job records in `<dataDir>/jobs.sqlite`, validation, events,
 * frame streams read from disk, and the watcher. Subclasses decide where jobs run (`dispatch`, `cancel`, `close`).
 */
export abstract class JobServiceCore implements JobQueue {
  abstract readonly backend: QueueBackend;
  protected readonly sources: ReadonlyMap<string, PacsAdapter>;
  protected readonly log: Logger;
  protected closing = false;
  private readonly listeners = new Map<string, Set<(ev: JobEvent) => void>>();
  private readonly watches = new Set<JobWatch>();

  protected constructor(
    protected readonly core: JobCoreOptions,
    protected readonly db: JobDb,
    protected readonly dataDir: string,
  ) {
    this.log = core.logger.child({ module: 'server/jobs' });
    const sources = new Map(core.sources);
    if (!sources.has('local')) sources.set('local', new LocalStoreAdapter(core.store));
    this.sources = sources;
  }

  /**
   * Claims a data folder for this process and opens its job database.
   * @throws SRV_ERR_CONFLICT when a job service of this process already has the folder open; SRV_ERR_JOB_STORE
   */
  protected static async claim(dataDir: string): Promise<{ dir: string; db: JobDb; release: () => void }> {
    const dir = path.resolve(dataDir);
    if (openDirs.has(dir)) {
      throw serverError('SRV_ERR_CONFLICT', `JobService.open: ${dir} is already open in this process`, { file: dir });
    }
    await mkdir(path.join(dir, 'jobs'), { recursive: true });
    const db = JobDb.open(dir);
    openDirs.add(dir);
    return {
      dir,
      db,
      release: () => {
        db.close();
        openDirs.delete(dir);
      },
    };
  }

  /** Hands a newly recorded job to the engine. A throw fails the job's submission (the record is marked failed). */
  protected abstract dispatch(job: JobRecord): Promise<void>;
  abstract cancel(id: string): Promise<JobRecord>;
  abstract runningJobs(): string[];
  abstract close(options?: JobCloseOptions): Promise<void>;

  /**
   * Validates and queues a job.
   * @param spec - what to restore
   * @param actor - who asked (recorded; the audit entry is the caller's, except for watcher jobs)
   * @throws SRV_ERR_BAD_REQUEST for an unknown source, pack, task, device, steps, strength, video or a malformed UID;
   *   SRV_ERR_NOT_FOUND when the source has no such series; SRV_ERR_UNAVAILABLE when closing or the source cannot
   *   be asked; SRV_ERR_QUEUE_UNAVAILABLE when the Redis queue refuses the job
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
    try {
      await this.dispatch(job);
    } catch (e) {
      const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : 'SRV_ERR_JOB_FAILED';
      this.update(job.id, {
        state: 'failed',
        error: { code, message: describeThrown(e) },
        finishedAt: new Date().toISOString(),
      });
      throw e;
    }
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
        { field: 'watch.sourceId' },
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

  // -- for the backends ------------------------------------------------------------------------------------------

  /** Stops the watchers (first step of every close). */
  protected async stopWatches(): Promise<void> {
    for (const w of [...this.watches]) await w.stop();
  }

  /** Ends every stream and listener (last steps of every close). */
  protected endListeners(): void {
    for (const [id, set] of this.listeners) for (const l of [...set]) safeCall(l, { type: 'closed' }, this.log, id);
    this.listeners.clear();
  }

  protected update(id: string, patch: JobPatch): JobRecord {
    const job = this.db.update(id, patch);
    this.emit(id, { type: 'job', job });
    if (TERMINAL_STATES.has(job.state) && patch.state !== undefined) {
      this.log.info({ job: id, state: job.state, attempts: job.attempts }, 'job ended');
    }
    return job;
  }

  protected emit(id: string, ev: JobEvent): void {
    const set = this.listeners.get(id);
    if (set) for (const l of [...set]) safeCall(l, ev, this.log, id);
  }

  protected packPath(name: string | undefined): string {
    const dflt = path.resolve(this.core.packDir);
    return name === undefined ? dflt : path.join(path.dirname(dflt), name);
  }

  protected jobDir(id: string): string {
    return path.join(this.dataDir, 'jobs', id);
  }

  protected assertOpen(operation: string): void {
    if (this.closing) {
      throw serverError('SRV_ERR_UNAVAILABLE', `JobService.${operation}: the job service is closing`, {});
    }
  }

  // -- internals ---------------------------------------------------------------------------------------------------

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
    this.core.audit.record({
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
    if (spec.strength !== undefined && !isStrength(spec.strength))
      bad('strength', STRENGTHS.join(' | '), spec.strength);
    if (spec.video !== undefined && !isDerivedVideoEncoding(spec.video))
      bad('video', `${DERIVED_VIDEO_ENCODINGS.join(' | ')} (or absent for lossless)`, spec.video);
    if (spec.pack !== undefined) {
      if (typeof spec.pack !== 'string' || !PACK_NAME.test(spec.pack) || spec.pack === '.' || spec.pack === '..')
        bad('pack', 'the name of an installed pack', spec.pack);
      if (!existsSync(path.join(this.packPath(spec.pack), 'model_index.json')))
        bad('pack', `a pack folder in ${path.dirname(path.resolve(this.core.packDir))}`, spec.pack);
    }
    if (spec.pushBack !== undefined && typeof spec.pushBack !== 'boolean') bad('pushBack', 'a boolean', spec.pushBack);
    return {
      sourceId: spec.sourceId,
      studyInstanceUid: spec.studyInstanceUid,
      seriesInstanceUid: spec.seriesInstanceUid,
      task: spec.task,
      ...(spec.pack !== undefined ? { pack: spec.pack } : {}),
      ...(spec.steps !== undefined ? { steps: spec.steps } : {}),
      // Recorded resolved, so the record (API, websocket, viewer) says which strength ran.
      strength: spec.strength ?? DEFAULT_STRENGTH,
      ...(spec.device !== undefined ? { device: spec.device } : {}),
      ...(spec.video !== undefined ? { video: spec.video } : {}),
      ...(spec.pushBack !== undefined ? { pushBack: spec.pushBack } : {}),
    };
  }

  private async assertSeriesExists(spec: JobSpec): Promise<void> {
    const { sourceId, studyInstanceUid: study, seriesInstanceUid: series } = spec;
    let n: number;
    if (sourceId === 'local') {
      n = this.core.store.listInstances(series).filter((i) => i.studyInstanceUid === study).length;
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
        { source: sourceId, studyInstanceUid: study, seriesInstanceUid: series },
      );
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
