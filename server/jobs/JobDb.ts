import path from 'node:path';
import Database from 'better-sqlite3';
import { describeThrown } from '../../common/index.js';
import { serverError } from '../errors.js';
import type {
  JobError,
  JobList,
  JobRecord,
  JobSpec,
  JobStage,
  JobState,
  JobTimings,
  JobTrigger,
  PushBackReport,
} from './JobRecord.js';
import { migrate } from './schema.js';

interface JobRow {
  seq: number;
  id: string;
  spec: string;
  source_id: string;
  series_uid: string;
  actor: string;
  state: JobState;
  stage: JobStage | null;
  progress_done: number;
  progress_total: number;
  timings: string;
  degradation: string | null;
  derived_series_uid: string | null;
  published_at: string | null;
  push_back: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  seed: number;
  trigger: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** A change to a job: `undefined` leaves a field as it is, `null` clears it. */
export interface JobPatch {
  readonly state?: JobState;
  readonly stage?: JobStage | null;
  readonly progress?: { readonly done: number; readonly total: number };
  readonly timings?: JobTimings;
  readonly degradation?: string | null;
  readonly derivedSeriesInstanceUid?: string | null;
  readonly publishedAt?: string | null;
  readonly pushBack?: PushBackReport | null;
  readonly error?: JobError | null;
  readonly attempts?: number;
  readonly startedAt?: string | null;
  readonly finishedAt?: string | null;
}

export interface NewJob {
  readonly id: string;
  readonly spec: JobSpec;
  readonly actor: string;
  readonly seed: number;
  readonly trigger?: JobTrigger;
  readonly createdAt: string;
}

/** Column of each patch field, and how its value is stored. */
const COLUMNS: { readonly [K in keyof JobPatch]-?: (v: NonNullable<JobPatch[K]>) => Record<string, unknown> } = {
  state: (v) => ({ state: v }),
  stage: (v) => ({ stage: v }),
  progress: (v) => ({ progress_done: v.done, progress_total: v.total }),
  timings: (v) => ({ timings: JSON.stringify(v) }),
  degradation: (v) => ({ degradation: v }),
  derivedSeriesInstanceUid: (v) => ({ derived_series_uid: v }),
  publishedAt: (v) => ({ published_at: v }),
  pushBack: (v) => ({ push_back: JSON.stringify(v) }),
  error: (v) => ({ error_code: v.code, error_message: v.message }),
  attempts: (v) => ({ attempts: v }),
  startedAt: (v) => ({ started_at: v }),
  finishedAt: (v) => ({ finished_at: v }),
};

const CLEARED: { readonly [K in keyof JobPatch]-?: readonly string[] } = {
  state: ['state'],
  stage: ['stage'],
  progress: ['progress_done', 'progress_total'],
  timings: ['timings'],
  degradation: ['degradation'],
  derivedSeriesInstanceUid: ['derived_series_uid'],
  publishedAt: ['published_at'],
  pushBack: ['push_back'],
  error: ['error_code', 'error_message'],
  attempts: ['attempts'],
  startedAt: ['started_at'],
  finishedAt: ['finished_at'],
};

/**
 * The job table in `<dataDir>/jobs.sqlite` (WAL, synchronous FULL: a state change is on disk before the call
 * returns, so what a crash leaves is always a state the service wrote). Synchronous, like better-sqlite3.
 */
export class JobDb {
  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
    readonly schemaVersion: number,
  ) {}

  /**
   * Opens (creating and migrating) the job database of a data folder.
   * @throws SRV_ERR_JOB_STORE when SQLite cannot open it or its schema is newer than this build
   */
  static open(dataDir: string): JobDb {
    const file = path.join(dataDir, 'jobs.sqlite');
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
      const version = migrate(db, file);
      return new JobDb(db, file, version);
    } catch (e) {
      db?.close();
      if (e instanceof Error && 'code' in e && e.code === 'SRV_ERR_JOB_STORE') throw e;
      throw serverError(
        'SRV_ERR_JOB_STORE',
        `${file}: cannot open the job database: ${describeThrown(e)}`,
        { file },
        e,
      );
    }
  }

  insert(j: NewJob): JobRecord {
    this.db
      .prepare(
        `INSERT INTO jobs (id, spec, source_id, series_uid, actor, state, seed, trigger, created_at)
         VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(
        j.id,
        JSON.stringify(j.spec),
        j.spec.sourceId,
        j.spec.seriesInstanceUid,
        j.actor,
        j.seed,
        j.trigger ? JSON.stringify(j.trigger) : null,
        j.createdAt,
      );
    return this.get(j.id) as JobRecord;
  }

  get(id: string): JobRecord | undefined {
    const row = this.db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id);
    return row && toRecord(row);
  }

  /** Newest first. */
  list(filter: { state?: JobState; limit: number; offset: number }): JobList {
    const where = filter.state ? 'WHERE state = ?' : '';
    const args = filter.state ? [filter.state] : [];
    const rows = this.db
      .prepare<unknown[], JobRow>(`SELECT * FROM jobs ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...args, filter.limit, filter.offset);
    const total = this.db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM jobs ${where}`).get(...args);
    return { jobs: rows.map(toRecord), total: total?.n ?? 0 };
  }

  /** Jobs in one state, oldest first (the queue order). */
  inState(state: JobState): JobRecord[] {
    return this.db
      .prepare<[JobState], JobRow>('SELECT * FROM jobs WHERE state = ? ORDER BY seq')
      .all(state)
      .map(toRecord);
  }

  /** Every job of a source series, oldest first. */
  forSeries(sourceId: string, seriesInstanceUid: string): JobRecord[] {
    return this.db
      .prepare<[string, string], JobRow>('SELECT * FROM jobs WHERE source_id = ? AND series_uid = ? ORDER BY seq')
      .all(sourceId, seriesInstanceUid)
      .map(toRecord);
  }

  /**
   * Applies a patch in one statement and returns the new record.
   * @throws SRV_ERR_NOT_FOUND for an unknown id
   */
  update(id: string, patch: JobPatch): JobRecord {
    const set: Record<string, unknown> = {};
    for (const key of Object.keys(patch) as (keyof JobPatch)[]) {
      const v = patch[key];
      if (v === undefined) continue;
      if (v === null) for (const c of CLEARED[key]) set[c] = null;
      else Object.assign(set, (COLUMNS[key] as (x: unknown) => Record<string, unknown>)(v));
    }
    const cols = Object.keys(set);
    if (cols.length > 0) {
      const info = this.db
        .prepare(`UPDATE jobs SET ${cols.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`)
        .run({ ...set, id });
      if (info.changes === 0) throw notFound(id);
    }
    const after = this.get(id);
    if (!after) throw notFound(id);
    return after;
  }

  /** Several patches in one transaction (all or none). */
  updateMany(patches: readonly { id: string; patch: JobPatch }[]): JobRecord[] {
    return this.db.transaction(() => patches.map((p) => this.update(p.id, p.patch))).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function notFound(id: string): Error {
  return serverError('SRV_ERR_NOT_FOUND', `job ${id}: expected an existing job id`, { job: id });
}

function toRecord(r: JobRow): JobRecord {
  return {
    id: r.id,
    spec: JSON.parse(r.spec) as JobSpec,
    actor: r.actor,
    state: r.state,
    ...(r.stage ? { stage: r.stage } : {}),
    progress: { done: r.progress_done, total: r.progress_total },
    timings: JSON.parse(r.timings) as JobTimings,
    ...(r.degradation !== null ? { degradation: r.degradation } : {}),
    ...(r.derived_series_uid ? { derivedSeriesInstanceUid: r.derived_series_uid } : {}),
    ...(r.published_at ? { publishedAt: r.published_at } : {}),
    ...(r.push_back ? { pushBack: JSON.parse(r.push_back) as PushBackReport } : {}),
    ...(r.error_code ? { error: { code: r.error_code, message: r.error_message ?? '' } } : {}),
    attempts: r.attempts,
    seed: r.seed,
    ...(r.trigger ? { trigger: JSON.parse(r.trigger) as JobTrigger } : {}),
    createdAt: r.created_at,
    ...(r.started_at ? { startedAt: r.started_at } : {}),
    ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
  };
}

/** A job interrupted (embedded recovery), handed back or lost with its worker (Redis backend) goes back to queued. */
export function requeuedPatch(): JobPatch {
  return {
    state: 'queued',
    stage: null,
    progress: { done: 0, total: 0 },
    timings: {},
    degradation: null,
    derivedSeriesInstanceUid: null,
    startedAt: null,
  };
}
