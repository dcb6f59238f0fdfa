import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Logger } from '../../common/index.js';
import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import type { CapsuleFrameTable } from './CapsuleFrames.js';
import type { CapsuleInstance } from './CapsuleInstance.js';
import type { CapsuleDicomContext } from './capsuleDataset.js';
import { clipRuns } from './clipRuns.js';
import type { CutThresholds } from './detectCuts.js';
import { allocateCapsuleInstance, toCapsuleInstance, type CapsuleInstanceBuffer } from './capsuleToDicom.js';
import { uidSource } from './capsuleUids.js';
import { decodeVideoFrames } from './decodeVideoFrames.js';
import {
  planCapsuleInstances,
  validatePlanOptions,
  type InstancePlan,
  type PlanOptions,
} from './planCapsuleInstances.js';
import { probeVideo } from './probeVideo.js';

export interface ImportCapsuleOptions extends PlanOptions {
  /**
   * The frame table: a path, or a table already parsed (it must list the clip). Default: FRAMES.tsv in the clip's
   * folder when it lists the clip, else the runs are detected from the frames (detectCuts).
   */
  framesTsv?: string | CapsuleFrameTable;
  /** Cut detector thresholds, used when there is no frame table (default DEFAULT_CUT_THRESHOLDS). */
  cutThresholds?: CutThresholds;
  /**
   * Seed for deterministic UIDs: the same seed, clip and plan give the same Study, Series and SOP Instance UIDs
   * (re-imports are idempotent in a store). Default: fresh random UIDs on every import.
   */
  uidSeed?: string;
  /** Overrides the generated StudyInstanceUID (e.g. to add the clip to an existing study). */
  studyInstanceUid?: string;
  /** Overrides the generated SeriesInstanceUID. */
  seriesInstanceUid?: string;
  /**
   * Default "KVASIR-CAPSULE-<clip name without extension>" with a frame table, "CAPSULE-<…>" without: one
   * pseudonymous patient per source video.
   */
  patientId?: string;
  /** Default "KVASIR-CAPSULE^<clip name without extension>" ("CAPSULE^<…>" without a frame table). */
  patientName?: string;
  /** SeriesNumber (default 1). */
  seriesNumber?: number;
  /**
   * ContentDate/Time and InstanceCreationDate/Time of every instance (default: now). Give it, with uidSeed, for
   * byte-reproducible output.
   */
  createdAt?: Date;
  ffprobePath?: string;
  ffmpegPath?: string;
  signal?: AbortSignal;
  /** Stage lines (clip, counts, timings; no patient data). */
  logger?: Logger;
}

/**
 * Imports one capsule video clip (any container ffmpeg reads: .mp4, .avi, .mkv, .mov) as multi-frame Video
 * Endoscopic Image instances: one instance per run of consecutive capsule frames (from FRAMES.tsv when it lists the
 * clip, else from the cuts detected in the frames, which costs one more decoding pass), long runs split into chunks of at most maxFramesPerInstance frames,
 * all instances of the clip in one series of one study. Frames are decoded in one ffmpeg pass and at most one
 * instance's pixels are held at a time; each instance is yielded as soon as it is encoded. Writing the bytes
 * to disk or to a store is the caller's job.
 * @param clip - path of the MP4
 * @param options - frame table, limits (maxRuns, maxFrames, maxFramesPerInstance), UID seed, patient pseudonym
 * @throws PACS_ERR_FILE_READ, PACS_ERR_TOOL_MISSING, PACS_ERR_VIDEO (probe/decode), PACS_ERR_BAD_ATTRIBUTE
 *   (malformed FRAMES.tsv, a table that does not match the video, bad options), PACS_ERR_WRITE
 * @example for await (const inst of importCapsuleClip('ad91cf7ca91440aa.mp4', { maxFrames: 30 })) await store.put(inst.bytes);
 */
export async function* importCapsuleClip(
  clip: string,
  options: ImportCapsuleOptions = {},
): AsyncGenerator<CapsuleInstance, void, undefined> {
  const log = options.logger?.child({ module: 'pacs-adapters/capsule', clip: basename(clip) });
  const started = Date.now();
  const clipName = basename(clip);
  const stem = clipName.replace(/\.[^.]*$/, '');

  // 0. Options are checked before any tool runs.
  validatePlanOptions(options);
  const seriesNumber = options.seriesNumber ?? 1;
  if (!Number.isSafeInteger(seriesNumber) || seriesNumber < 0) {
    throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `option seriesNumber is ${seriesNumber}: expected an integer >= 0`, {
      field: 'seriesNumber',
    });
  }
  const createdAt = options.createdAt ?? new Date();

  // 1. Probe the video: size, rate, codec, and the decoded frame count.
  const video = await probeVideo(clip, { ffprobePath: options.ffprobePath, signal: options.signal });

  // 2. Runs: from the frame table (which must describe exactly the frames the video holds), else detected.
  const { frames, source, detection } = await clipRuns(clip, video, options);

  // 3. Plan instances: one run per instance, chunked, limited.
  const plans = planCapsuleInstances(frames.runs, options);
  log?.info(
    {
      frames: video.frameCount,
      runs: frames.runs.length,
      runsFrom: source,
      ...(detection ? { cuts: detection.cuts, repeats: detection.repeats.length } : {}),
      instances: plans.length,
    },
    'capsule import planned',
  );
  if (plans.length === 0) return;

  // 4. Identity: one study and one series per clip; one SOP instance per plan.
  const sha256 = await fileSha256(clip);
  const uid = uidSource(options.uidSeed);
  const studyInstanceUid = options.studyInstanceUid ?? uid('study', clipName, sha256);
  const seriesInstanceUid = options.seriesInstanceUid ?? uid('series', clipName, sha256);
  const prefix = source === 'detected' ? 'CAPSULE' : 'KVASIR-CAPSULE';
  const patientId = options.patientId ?? `${prefix}-${stem}`.slice(0, 64);
  const patientName = options.patientName ?? `${prefix}^${stem}`.slice(0, 64);

  // 5. Decode once from the first to the last planned frame, straight into one instance's file at a time.
  const context = (plan: InstancePlan, instanceNumber: number): CapsuleDicomContext => ({
    video,
    studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid: uid(
      'instance',
      clipName,
      sha256,
      String(plan.runId),
      String(plan.chunkIndex),
      String(plan.firstFrameIndex),
      String(plan.frameCount),
    ),
    seriesNumber,
    instanceNumber,
    patientId,
    patientName,
    sourceSha256: sha256,
    createdAt,
    repeats: detection?.repeats.filter((f) => f >= plan.firstFrameIndex && f < plan.firstFrameIndex + plan.frameCount)
      .length,
  });
  const firstFrame = plans[0].firstFrameIndex;
  const last = plans[plans.length - 1];
  const frameCount = last.firstFrameIndex + last.frameCount - firstFrame;
  let planIndex = 0;
  let current:
    { plan: InstancePlan; ctx: CapsuleDicomContext; buffer: CapsuleInstanceBuffer; filled: number } | undefined;
  let frameIndex = firstFrame;
  for await (const rgb of decodeVideoFrames(clip, video, {
    ffmpegPath: options.ffmpegPath,
    firstFrame,
    frameCount,
    signal: options.signal,
  })) {
    const plan = plans[planIndex];
    if (!current && plan && frameIndex === plan.firstFrameIndex) {
      const ctx = context(plan, planIndex + 1);
      current = { plan, ctx, buffer: allocateCapsuleInstance(plan, ctx), filled: 0 };
    }
    if (current) {
      current.buffer.pixelData.set(rgb, current.filled * current.buffer.frameBytes);
      current.filled++;
      if (current.filled === current.plan.frameCount) {
        // 6. The instance is complete: hand it over before decoding further.
        const instance = toCapsuleInstance(current.plan, current.ctx, current.buffer.bytes);
        current = undefined;
        planIndex++;
        yield instance;
      }
    }
    frameIndex++;
  }
  if (planIndex !== plans.length) {
    throw pacsError(
      'PACS_ERR_VIDEO',
      `decoding stopped at frame ${frameIndex}: expected ${plans.length} instances, got ${planIndex}`,
      {
        file: clip,
        tool: 'ffmpeg',
      },
    );
  }
  log?.info({ instances: plans.length, ms: Date.now() - started }, 'capsule import done');
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch (e) {
    throw pacsError('PACS_ERR_FILE_READ', `cannot read: ${describeThrown(e)}`, { file }, e);
  }
  return hash.digest('hex');
}
