import type { FramesMeta } from '../frameFiles.js';
import type { JobError, JobStage, JobTimings } from '../JobRecord.js';

/** The record fields a worker may change; everything else is the server's. */
export interface WorkerPatch {
  readonly stage?: JobStage;
  readonly degradation?: string;
  readonly derivedSeriesInstanceUid?: string;
  readonly progress?: { readonly done: number; readonly total: number };
}

interface Base {
  readonly jobId: string;
  /** The attempt (the BullMQ lock token of the run): the server only takes output of the attempt that started last. */
  readonly attempt: string;
}

/**
 * One entry of the output stream (`gsdiff:out`), in the order a worker writes them for one attempt:
 * start, record*, meta, (frame | instance | record)*, then complete | failed | released.
 * Frames and instances are binary fields (raw little-endian Float32 / RGB bytes; DICOM Part 10): a 512x512 CT frame
 * is 1 MiB, so the stream is drained by the server as it goes and never holds more than the in-flight output.
 */
export type OutEntry =
  | (Base & {
      readonly type: 'start';
      readonly worker: string;
      readonly device: string;
      /** Runs of this job started so far, this one included (BullMQ attemptsStarted less deferrals). */
      readonly number: number;
    })
  | (Base & { readonly type: 'record'; readonly patch: WorkerPatch })
  | (Base & { readonly type: 'meta'; readonly meta: FramesMeta })
  | (Base & { readonly type: 'frame'; readonly index: number; readonly total: number; readonly payload: Buffer })
  | (Base & { readonly type: 'instance'; readonly payload: Buffer })
  | (Base & {
      readonly type: 'complete';
      readonly derivedSeriesInstanceUid: string;
      readonly instances: number;
      readonly timings: JobTimings;
    })
  | (Base & { readonly type: 'failed'; readonly error: JobError })
  /** The worker handed the job back unfinished (shutdown, or it cannot run it here): it is queued again. */
  | (Base & { readonly type: 'released'; readonly reason: string });

export type OutEntryType = OutEntry['type'];
const TYPES: ReadonlySet<string> = new Set<OutEntryType>([
  'start',
  'record',
  'meta',
  'frame',
  'instance',
  'complete',
  'failed',
  'released',
]);

/** XADD arguments (after the key and id): `t <type> j <jobId> a <attempt> h <json> [b <binary>]`. */
export function encodeOutEntry(e: OutEntry): (string | Buffer)[] {
  const { type, jobId, attempt, ...rest } = e;
  const payload = 'payload' in rest ? rest.payload : undefined;
  const header = { ...rest } as Record<string, unknown>;
  delete header.payload;
  const fields: (string | Buffer)[] = ['t', type, 'j', jobId, 'a', attempt, 'h', JSON.stringify(header)];
  if (payload) fields.push('b', payload);
  return fields;
}

/**
 * Reads an entry back from XREAD's field list.
 * @throws TypeError for an entry this build does not know (the caller logs and skips it)
 */
export function decodeOutEntry(fields: readonly Buffer[]): OutEntry {
  const map = new Map<string, Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i].toString('latin1'), fields[i + 1]);
  const type = map.get('t')?.toString('utf8') ?? '';
  const jobId = map.get('j')?.toString('utf8') ?? '';
  const attempt = map.get('a')?.toString('utf8') ?? '';
  if (!TYPES.has(type) || !jobId || !attempt) {
    throw new TypeError(`output entry: expected t, j and a fields of a known type, got t=${JSON.stringify(type)}`);
  }
  const header = JSON.parse(map.get('h')?.toString('utf8') ?? '{}') as Record<string, unknown>;
  const payload = map.get('b');
  if ((type === 'frame' || type === 'instance') && !payload) {
    throw new TypeError(`output entry ${type} of job ${jobId}: expected a binary field b`);
  }
  return { ...header, type, jobId, attempt, ...(payload ? { payload } : {}) } as OutEntry;
}
