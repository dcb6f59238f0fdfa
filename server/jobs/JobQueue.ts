import type { SeriesRule, StableSeries, StudyQuery } from '../../pacs-adapters/index.js';
import type { JobList, JobRecord, JobSpec, JobTrigger } from './JobRecord.js';
import type { JobEvent, JobStreamItem } from './jobStream.js';

/** Which engine runs the queue: the embedded SQLite default, or BullMQ on Redis with separate worker processes. */
export type QueueBackend = 'sqlite' | 'redis';

export interface JobCloseOptions {
  /**
   * 'abort' (default): running jobs stop now and are queued again for the next start; 'finish': wait for them.
   * The Redis backend runs no job itself: its workers keep running; the server stops relaying and resumes at start.
   */
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

/**
 * The job queue as the routes, the websocket stream and `gsdiff serve` see it. Two backends implement it:
 * `JobService` (SQLite, jobs run in this process) and `RedisJobService` (BullMQ on Redis, jobs run in `gsdiff worker`
 * processes; records, streams and the published series stay with the server). See README.md.
 */
export interface JobQueue {
  readonly backend: QueueBackend;
  submit(spec: JobSpec, actor: string, trigger?: JobTrigger): Promise<JobRecord>;
  get(id: string): JobRecord | undefined;
  list(filter?: { state?: string; limit?: number; offset?: number }): JobList;
  cancel(id: string): Promise<JobRecord>;
  subscribe(id: string, listener: (ev: JobEvent) => void): () => void;
  stream(id: string, options?: { from?: number; signal?: AbortSignal }): AsyncGenerator<JobStreamItem, void, undefined>;
  startWatching(w: JobWatchOptions): JobWatch;
  /** Jobs running now (ids): in this process (SQLite) or on any worker (Redis). */
  runningJobs(): string[];
  close(options?: JobCloseOptions): Promise<void>;
}
