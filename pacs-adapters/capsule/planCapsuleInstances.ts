import { pacsError } from '../errors.js';
import type { CapsuleFrameRecord, CapsuleRun } from './CapsuleFrames.js';

/** One DICOM instance to write: a chunk of one run. */
export interface InstancePlan {
  readonly clip: string;
  readonly runId: number;
  /** 0-based chunk of the run; runs longer than maxFramesPerInstance are split. */
  readonly chunkIndex: number;
  /** Chunks the (possibly truncated) run was split into. */
  readonly chunkCount: number;
  /** MP4 frame index of the chunk's first frame. */
  readonly firstFrameIndex: number;
  readonly frameCount: number;
  readonly frames: readonly CapsuleFrameRecord[];
  /** Length of the whole run in FRAMES.tsv. */
  readonly runLength: number;
  /** The run was cut short by maxFrames, so the chunks do not cover all of it. */
  readonly runTruncated: boolean;
  /** The run's boundaries came from the cut detector, not a frame table (CapsuleRun.detected). */
  readonly detected: boolean;
}

export interface PlanOptions {
  /** Longest instance in frames; longer runs are split into balanced chunks, in order (default 300). */
  maxFramesPerInstance?: number;
  /** Take only the first N runs of the clip (default all). */
  maxRuns?: number;
  /** Take only the first N frames of the clip, over all taken runs; the last run is cut short (default all). */
  maxFrames?: number;
}

export const DEFAULT_MAX_FRAMES_PER_INSTANCE = 300;

/**
 * Splits runs into instance plans: never more than one run per plan, each plan at most maxFramesPerInstance
 * frames. A run of L frames becomes ceil(L / max) chunks whose sizes differ by at most one (532 frames at
 * max 300 -> 266 + 266), so no instance is a short remainder. Pure.
 * @throws PACS_ERR_BAD_ATTRIBUTE when an option is not a positive integer (details.field names it)
 * @example planCapsuleInstances(runs, { maxFramesPerInstance: 300, maxFrames: 30 })
 */
export function planCapsuleInstances(runs: readonly CapsuleRun[], options: PlanOptions = {}): InstancePlan[] {
  const { maxFramesPerInstance: maxPer, maxRuns, maxFrames } = validatePlanOptions(options);
  let budget = maxFrames;
  const plans: InstancePlan[] = [];
  for (const run of runs.slice(0, maxRuns)) {
    if (budget === 0) break;
    const taken = Math.min(run.length, budget);
    budget -= taken;
    const chunkCount = Math.ceil(taken / maxPer);
    const base = Math.floor(taken / chunkCount);
    const longer = taken % chunkCount;
    let offset = 0;
    for (let chunkIndex = 0; chunkIndex < chunkCount; chunkIndex++) {
      const frameCount = base + (chunkIndex < longer ? 1 : 0);
      const frames = run.frames.slice(offset, offset + frameCount);
      plans.push({
        clip: run.clip,
        runId: run.runId,
        chunkIndex,
        chunkCount,
        firstFrameIndex: frames[0].mp4FrameIndex,
        frameCount,
        frames,
        runLength: run.length,
        runTruncated: taken < run.length,
        detected: run.detected === true,
      });
      offset += frameCount;
    }
  }
  return plans;
}

/**
 * The plan options with defaults filled in (no limit = Number.MAX_SAFE_INTEGER).
 * @throws PACS_ERR_BAD_ATTRIBUTE when an option is not a positive integer (details.field names it)
 */
export function validatePlanOptions(options: PlanOptions): Required<PlanOptions> {
  return {
    maxFramesPerInstance: positive(
      'maxFramesPerInstance',
      options.maxFramesPerInstance ?? DEFAULT_MAX_FRAMES_PER_INSTANCE,
    ),
    maxRuns: positive('maxRuns', options.maxRuns ?? Number.MAX_SAFE_INTEGER),
    maxFrames: positive('maxFrames', options.maxFrames ?? Number.MAX_SAFE_INTEGER),
  };
}

function positive(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `option ${field} is ${value}: expected an integer >= 1`, { field });
  }
  return value;
}
