import { serverError } from '../errors.js';
import { FrameReader, type FrameHeader } from './frameFiles.js';
import { TERMINAL_STATES, type JobRecord } from './JobRecord.js';

/** Announcements to `JobService.subscribe` listeners: small, never pixel data. */
export type JobEvent =
  /** The record changed (state, stage, degradation, derived series, error…); not sent for per-frame progress. */
  | { readonly type: 'job'; readonly job: JobRecord }
  /** Frame `index` is on disk; `done` frames are now readable. */
  | {
      readonly type: 'frame';
      readonly jobId: string;
      readonly index: number;
      readonly done: number;
      readonly total: number;
    }
  /** The service is closing: streams end. */
  | { readonly type: 'closed' };

/** What `JobService.stream` yields, in order: a snapshot, then changes and frames, then one `end`. */
export type JobStreamItem =
  | { readonly type: 'job'; readonly job: JobRecord }
  | { readonly type: 'frame'; readonly header: FrameHeader; readonly payload: Buffer }
  | { readonly type: 'end'; readonly job: JobRecord };

/** The parts of the service a stream needs. */
export interface StreamHost {
  get(id: string): JobRecord | undefined;
  /** @throws SRV_ERR_NOT_FOUND for an unknown job */
  subscribe(id: string, listener: (ev: JobEvent) => void): () => void;
  framesDir(id: string): string;
}

/**
 * A pull-based stream of one job: frames are read from the job's frames folder in order from `from`, one at a time
 * and only when the consumer asks for the next item, so a slow consumer holds back reading (nothing queues in
 * memory but the latest record). Record changes are coalesced to the latest. Ends after the terminal record and
 * every frame on disk; returns quietly when `signal` aborts.
 * @throws SRV_ERR_NOT_FOUND for an unknown job; SRV_ERR_UNAVAILABLE when the service closes mid-stream
 */
export async function* streamJob(
  host: StreamHost,
  id: string,
  from: number,
  signal?: AbortSignal,
): AsyncGenerator<JobStreamItem, void, undefined> {
  let wake: (() => void) | undefined;
  let changed: boolean;
  let latest: JobRecord | undefined;
  let closed = false;
  const unsubscribe = host.subscribe(id, (ev) => {
    if (ev.type === 'job') latest = ev.job;
    else if (ev.type === 'closed') closed = true;
    changed = true;
    wake?.();
  });
  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort);
  try {
    let job = host.get(id) as JobRecord;
    yield { type: 'job', job };
    const reader = new FrameReader(host.framesDir(id));
    let next = from;
    for (;;) {
      if (signal?.aborted) return;
      if (closed) throw serverError('SRV_ERR_UNAVAILABLE', `job ${id}: the job service is closing`, { job: id });
      changed = false;
      if (latest) {
        job = latest;
        latest = undefined;
        if (!TERMINAL_STATES.has(job.state)) yield { type: 'job', job };
        continue;
      }
      if (next < reader.count || next < (await reader.refresh())) {
        const f = await reader.read(next);
        next++;
        yield { type: 'frame', header: f.header, payload: f.payload };
        continue;
      }
      if (TERMINAL_STATES.has(job.state)) {
        yield { type: 'end', job };
        return;
      }
      if (!changed && !signal?.aborted) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}
