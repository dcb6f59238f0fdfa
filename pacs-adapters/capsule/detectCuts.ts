import { pacsError } from '../errors.js';
import type { ClipStatistics, FrameDistance } from './frameStatistics.js';

/** What makes frame i the first frame of a new run, and what makes it a repeat of frame i - 1. */
export interface CutThresholds {
  /** Colour change from frame i - 1 to i (FrameDistance.histogram) a cut needs at least. */
  readonly minHistogram: number;
  /**
   * Context ratio (see contextRatio) a cut needs at least: how much further apart the two sides of the boundary are
   * than the frames within each side.
   */
  readonly minContextRatio: number;
  /** Frame i repeats frame i - 1 when their block-luma difference is at most this (8-bit levels). */
  readonly maxRepeatLuma: number;
}

/**
 * Chosen on the 6 training clips of ../shared/data/capsule-endoscopy-kvasir-capsule-clips against their FRAMES.tsv
 * run boundaries (bench/capsuleCuts.ts --search; the held-out clip 39960e5e099a45ca was not looked at). Measured
 * precision and recall: docs/RESULTS.md "Step 16 — capsule cut detector".
 */
export const DEFAULT_CUT_THRESHOLDS: CutThresholds = Object.freeze({
  minHistogram: 0.112,
  minContextRatio: 2.6,
  maxRepeatLuma: 0.25,
});

/** Frames on each side of a boundary that contextRatio compares. */
export const CUT_CONTEXT = 2;

/** Below this within-side distance (8-bit levels) a still scene would turn any flicker into a huge ratio. */
const MIN_WITHIN_LAYOUT = 1;

/** A run of frames between detected cuts (0-based frame indexes). */
export interface DetectedRun {
  readonly firstFrameIndex: number;
  readonly length: number;
}

export interface CutDetection {
  readonly frameCount: number;
  /** Frames that start a new run, ascending; never 0. */
  readonly cuts: readonly number[];
  /** Frames that repeat their predecessor (not distinct frames); never a cut. */
  readonly repeats: readonly number[];
  /** The runs the cuts delimit, covering every frame in order. */
  readonly runs: readonly DetectedRun[];
  readonly thresholds: CutThresholds;
}

/**
 * Finds the scene cuts and frame repeats of a clip from its frame statistics. Frame i starts a new run when its
 * colours changed (histogram distance to frame i - 1 >= minHistogram) and no frame of the CUT_CONTEXT before i
 * resembles any of the CUT_CONTEXT from i on (contextRatio >= minContextRatio): fast capsule motion changes
 * neighbouring frames as much as a cut does, but the frames around it stay alike. Pure.
 * @param stats - from clipStatistics (band >= 2 * CUT_CONTEXT - 1)
 * @param thresholds - default DEFAULT_CUT_THRESHOLDS
 * @throws PACS_ERR_BAD_ATTRIBUTE when the statistics' band is too narrow or a threshold is not a finite number >= 0
 * @example detectCuts(await clipStatistics(decodeVideoFrames(clip, video), video)).runs
 */
export function detectCuts(stats: ClipStatistics, thresholds: CutThresholds = DEFAULT_CUT_THRESHOLDS): CutDetection {
  checkInputs(stats, thresholds);
  const cuts: number[] = [];
  const repeats: number[] = [];
  for (let i = 1; i < stats.frameCount; i++) {
    const step = distance(stats, i - 1, i);
    if (step.luma <= thresholds.maxRepeatLuma) repeats.push(i);
    else if (step.histogram >= thresholds.minHistogram && contextRatio(stats, i) >= thresholds.minContextRatio)
      cuts.push(i);
  }
  const starts = [0, ...cuts];
  const runs = starts.map((first, k) => ({
    firstFrameIndex: first,
    length: (starts[k + 1] ?? stats.frameCount) - first,
  }));
  return { frameCount: stats.frameCount, cuts, repeats, runs: stats.frameCount > 0 ? runs : [], thresholds };
}

/**
 * The context ratio at the boundary before frame i: the smallest colour-layout distance between a frame of
 * [i - CUT_CONTEXT, i) and one of [i, i + CUT_CONTEXT), over the mean layout distance of neighbours within each
 * side (at least MIN_WITHIN_LAYOUT). Near 1 inside a run, even a fast one; well above 1 at a cut. Pure.
 */
export function contextRatio(stats: ClipStatistics, i: number): number {
  const before: number[] = [];
  for (let a = Math.max(0, i - CUT_CONTEXT); a < i; a++) before.push(a);
  const after: number[] = [];
  for (let b = i; b < Math.min(stats.frameCount, i + CUT_CONTEXT); b++) after.push(b);
  let cross = Infinity;
  for (const a of before) for (const b of after) cross = Math.min(cross, distance(stats, a, b).layout);
  const within: number[] = [];
  for (const side of [before, after])
    for (let k = 1; k < side.length; k++) within.push(distance(stats, side[k - 1], side[k]).layout);
  const mean = within.length ? within.reduce((s, v) => s + v, 0) / within.length : 0;
  return cross / Math.max(mean, MIN_WITHIN_LAYOUT);
}

/** The distance of frames a < b, which must lie within the statistics' band. */
function distance(stats: ClipStatistics, a: number, b: number): FrameDistance {
  return stats.distances[b][b - a - 1];
}

function checkInputs(stats: ClipStatistics, t: CutThresholds): void {
  if (stats.band < 2 * CUT_CONTEXT - 1 || stats.distances.length !== stats.frameCount) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `detectCuts: statistics of ${stats.frameCount} frames with band ${stats.band}: expected a band >= ${2 * CUT_CONTEXT - 1} and one entry per frame`,
      { field: 'band' },
    );
  }
  for (const [field, value] of Object.entries(t)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `detectCuts: threshold ${field} is ${value}: expected a number >= 0`, {
        field,
      });
    }
  }
}
