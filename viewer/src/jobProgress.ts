import type { FrameHeader, JobRecord } from '../../wire/index.js';

/** Frames restored so far / frames in the series (total 0: not known yet). */
export interface JobProgress {
  readonly done: number;
  readonly total: number;
}

const NONE: JobProgress = Object.freeze({ done: 0, total: 0 });

/**
 * The one count of a job's progress that every view renders: the toolbar's job line, the job list, the restored pane's
 * cover and footer. Three sources report it, each at its own pace — the job list's poll, the job websocket's records
 * and its frames — so a view fed by one of them lags the others (a newcomer saw "6/48", "1/48" and "0/?" at once).
 * The store keeps the furthest any source has reached (a job's count never goes back) and tells every view in the
 * same call, so they cannot disagree even for one frame.
 */
export class JobProgressStore {
  private readonly jobs = new Map<string, JobProgress>();
  private readonly listeners: ((jobId: string, progress: JobProgress) => void)[] = [];

  /** Calls `listener` after every change of any job's count. */
  onChange(listener: (jobId: string, progress: JobProgress) => void): void {
    this.listeners.push(listener);
  }

  get(jobId: string | undefined): JobProgress {
    return (jobId && this.jobs.get(jobId)) || NONE;
  }

  /** A job record (poll or websocket). */
  fromRecord(job: Pick<JobRecord, 'id' | 'progress'>): void {
    this.report(job.id, job.progress.done, job.progress.total);
  }

  /** A frame from the job websocket: `done` frames are available once it is. */
  fromFrame(jobId: string, header: Pick<FrameHeader, 'done' | 'total'>): void {
    this.report(jobId, header.done, header.total);
  }

  /** What the viewer knows before the server says it: the source series has `total` frames. */
  expect(jobId: string, total: number): void {
    this.report(jobId, 0, total);
  }

  private report(jobId: string, done: number, total: number): void {
    const old = this.get(jobId);
    const next = { done: Math.max(old.done, done), total: Math.max(old.total, total, done) };
    if (next.done === old.done && next.total === old.total) return;
    this.jobs.set(jobId, next);
    for (const l of this.listeners) l(jobId, next);
  }
}

/**
 * A count as every view writes it.
 * @example progressText({ done: 6, total: 48 }) // '6/48'; progressText({ done: 0, total: 0 }) // '0/?'
 */
export function progressText(p: JobProgress): string {
  return `${p.done}/${p.total || '?'}`;
}
