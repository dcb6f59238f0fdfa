import type { JobSpec } from '../JobRecord.js';

/** The BullMQ job's data: everything a worker needs besides its own configuration. BullMQ job id = record id. */
export interface QueuedJobData {
  readonly jobId: string;
  readonly spec: JobSpec;
  /** The noise seed of every attempt (the same pixels on a retry). */
  readonly seed: number;
  /**
   * The pack's version identity (packSha256: its canonical model_index.json, which lists every file's sha256),
   * resolved by the server at submission: a worker whose pack of that name differs hands the job back, so one
   * deployment never mixes outputs of two pack versions.
   */
  readonly packSha256: string;
  /** DDIM steps when the spec gives none (the server's default), else the pack's. */
  readonly defaultSteps?: number;
  /** Times a worker handed the job back because it could not run it here (pack, source, device). */
  readonly deferrals?: number;
}

export function isQueuedJobData(v: unknown): v is QueuedJobData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    typeof d.jobId === 'string' &&
    typeof d.spec === 'object' &&
    d.spec !== null &&
    typeof d.seed === 'number' &&
    typeof d.packSha256 === 'string'
  );
}
