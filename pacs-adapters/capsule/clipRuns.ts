import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pacsError } from '../errors.js';
import type { CapsuleClipFrames, CapsuleFrameRecord, CapsuleFrameTable, CapsuleRun } from './CapsuleFrames.js';
import { decodeVideoFrames } from './decodeVideoFrames.js';
import { detectCuts, type CutDetection, type CutThresholds } from './detectCuts.js';
import { clipStatistics } from './frameStatistics.js';
import { clipFrames, FRAME_TABLE_ERROR, readFramesTsv } from './readFramesTsv.js';
import type { VideoInfo } from './VideoInfo.js';

export interface ClipRunsOptions {
  /** A frame table (path or parsed); default FRAMES.tsv beside the clip when it lists the clip. */
  framesTsv?: string | CapsuleFrameTable;
  /** Cut detector thresholds when there is no frame table (default DEFAULT_CUT_THRESHOLDS). */
  cutThresholds?: CutThresholds;
  ffmpegPath?: string;
  signal?: AbortSignal;
}

/** Where a clip's runs came from: a frame table, or the cut detector (then `detection` says what it found). */
export interface ClipRuns {
  readonly frames: CapsuleClipFrames;
  readonly source: 'frame-table' | 'detected';
  readonly detection?: CutDetection;
}

/**
 * The runs of a clip. A frame table given by the caller must list the clip; FRAMES.tsv beside the clip is used when
 * it lists the clip (a renamed or foreign clip beside it is not in it). Otherwise the clip is decoded once and its
 * cuts detected from the frames; those runs carry `detected` and frame numbers that are the video's own.
 * @throws PACS_ERR_BAD_ATTRIBUTE (FRAME_TABLE_ERROR) for a malformed table, a given table without the clip, or a
 *   table whose frame count is not the video's; PACS_ERR_VIDEO / PACS_ERR_TOOL_MISSING from decoding
 */
export async function clipRuns(clip: string, video: VideoInfo, options: ClipRunsOptions = {}): Promise<ClipRuns> {
  const clipName = basename(clip);
  const beside = join(dirname(clip), 'FRAMES.tsv');
  const given = options.framesTsv;
  const table =
    typeof given === 'object'
      ? given
      : given !== undefined
        ? await readFramesTsv(given)
        : existsSync(beside)
          ? await readFramesTsv(beside)
          : undefined;
  if (table && (given !== undefined || table.clips.has(clipName))) {
    const frames = clipFrames(table, clipName);
    if (frames.frameCount !== video.frameCount) {
      throw pacsError(
        FRAME_TABLE_ERROR,
        `frame table lists ${frames.frameCount} frames for clip "${clipName}": expected the ${video.frameCount} frames ffprobe decodes`,
        { file: table.file, field: 'mp4_frame_index', clip: clipName },
      );
    }
    return { frames, source: 'frame-table' };
  }
  const stats = await clipStatistics(
    decodeVideoFrames(clip, video, { ffmpegPath: options.ffmpegPath, signal: options.signal }),
    video,
  );
  if (stats.frameCount !== video.frameCount) {
    throw pacsError(
      'PACS_ERR_VIDEO',
      `decoded ${stats.frameCount} frames for cut detection: expected the ${video.frameCount} frames ffprobe counts`,
      { file: clip, tool: 'ffmpeg' },
    );
  }
  const detection = detectCuts(stats, options.cutThresholds);
  return { frames: detectedFrames(clipName, detection), source: 'detected', detection };
}

/** Frame records for detected runs: no capsule frame numbers or labels are known, so the video's own stand in. */
function detectedFrames(clip: string, detection: CutDetection): CapsuleClipFrames {
  const frames: CapsuleFrameRecord[] = [];
  const runs: CapsuleRun[] = detection.runs.map((run, runId) => {
    const own: CapsuleFrameRecord[] = [];
    for (let k = 0; k < run.length; k++) {
      const index = run.firstFrameIndex + k;
      own.push({
        clip,
        mp4FrameIndex: index,
        kvasirFrameNumber: index,
        label: 'unlabelled',
        officialSplit: 0,
        runId,
        runLength: run.length,
        consecutiveWithPrevious: k > 0,
        line: 0,
      });
    }
    frames.push(...own);
    return {
      clip,
      runId,
      firstFrameIndex: run.firstFrameIndex,
      length: run.length,
      firstKvasirFrame: run.firstFrameIndex,
      lastKvasirFrame: run.firstFrameIndex + run.length - 1,
      frames: own,
      detected: true,
    };
  });
  return { clip, frameCount: detection.frameCount, frames, runs };
}
