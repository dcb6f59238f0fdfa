import { join } from 'node:path';
import {
  clipStatistics,
  contextRatio,
  decodeVideoFrames,
  DEFAULT_CUT_THRESHOLDS,
  detectCuts,
  PacsError,
  probeVideo,
  readFramesTsv,
  rgbFrameDistance,
  scoreCuts,
  sumCutScores,
  type ClipStatistics,
  type FrameDistance,
} from '../../../pacs-adapters/index.js';
import { CLIPS_DIR, FRAMES_TSV } from './capsuleFixtures.js';

/**
 * Statistics of a synthetic clip whose frame i is described by one number per descriptor: the distance of two
 * frames is the difference of their numbers (colour layout and luma from `scene`, histogram from `colour`).
 */
function syntheticStats(
  scene: readonly number[],
  colour: readonly number[] = scene.map((v) => v / 100),
): ClipStatistics {
  const d = (a: number, b: number): FrameDistance => ({
    luma: Math.abs(scene[a] - scene[b]),
    layout: Math.abs(scene[a] - scene[b]),
    histogram: Math.abs(colour[a] - colour[b]),
  });
  const distances = scene.map((_, i) => [1, 2, 3].filter((k) => k <= i).map((k) => d(i - k, i)));
  return { frameCount: scene.length, band: 3, distances };
}

/** A slowly drifting scene from `start`, `n` frames. */
const drift = (start: number, n: number, step = 2): number[] => Array.from({ length: n }, (_, k) => start + k * step);

describe('detectCuts (synthetic frame statistics)', () => {
  it('finds a cut between two scenes at its exact frame and splits the runs there', () => {
    const d = detectCuts(syntheticStats([...drift(0, 10), ...drift(60, 8)]));
    expect(d.cuts).toEqual([10]);
    expect(d.runs).toEqual([
      { firstFrameIndex: 0, length: 10 },
      { firstFrameIndex: 10, length: 8 },
    ]);
    expect(d.repeats).toEqual([]);
  });

  it('finds cuts that leave runs of two frames (the shortest runs of the shared clips)', () => {
    const scene = [...drift(0, 6), 80, 82, 30, 32, ...drift(140, 6)];
    expect(detectCuts(syntheticStats(scene)).cuts).toEqual([6, 8, 10]);
  });

  it('does not cut inside fast motion whose frames still resemble their neighbours', () => {
    // The capsule swings back and forth: every step is large, but each frame is close to the one two before.
    const scene = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? i : 40 + i));
    const d = detectCuts(syntheticStats(scene));
    expect(d.cuts).toEqual([]);
    expect(d.runs).toEqual([{ firstFrameIndex: 0, length: 20 }]);
    expect(contextRatio(syntheticStats(scene), 10)).toBeLessThan(DEFAULT_CUT_THRESHOLDS.minContextRatio);
  });

  it('needs a colour change too: a layout jump with the same colours is not a cut', () => {
    const scene = [...drift(0, 8), ...drift(60, 8)];
    expect(
      detectCuts(
        syntheticStats(
          scene,
          scene.map(() => 0.3),
        ),
      ).cuts,
    ).toEqual([]);
  });

  it('flags repeated frames as repeats, never as cuts', () => {
    const d = detectCuts(syntheticStats([0, 2, 2, 4, 6, 6, 6, 8]));
    expect(d.repeats).toEqual([2, 5, 6]);
    expect(d.cuts).toEqual([]);
  });

  it('gives one run for one frame and none for an empty clip', () => {
    expect(detectCuts(syntheticStats([5])).runs).toEqual([{ firstFrameIndex: 0, length: 1 }]);
    expect(detectCuts(syntheticStats([])).runs).toEqual([]);
  });

  it('refuses a band too narrow for its context and a threshold that is not a number >= 0', () => {
    const narrow = { ...syntheticStats(drift(0, 5)), band: 1 };
    expect(() => detectCuts(narrow)).toThrow(PacsError);
    expect(() => detectCuts(syntheticStats(drift(0, 5)), { ...DEFAULT_CUT_THRESHOLDS, minHistogram: -1 })).toThrow(
      /threshold minHistogram is -1: expected a number >= 0/,
    );
  });
});

describe('clipStatistics / rgbFrameDistance', () => {
  const size = { width: 8, height: 6 };
  const solid = (r: number, g: number, b: number): Uint8Array =>
    Uint8Array.from({ length: 8 * 6 * 3 }, (_, i) => [r, g, b][i % 3]);

  it('reads identical frames as distance 0 and disjoint colours as histogram distance 1', () => {
    expect(rgbFrameDistance(solid(10, 20, 30), solid(10, 20, 30), size)).toEqual({ luma: 0, layout: 0, histogram: 0 });
    const d = rgbFrameDistance(solid(0, 0, 0), solid(255, 255, 255), size);
    expect(d.histogram).toBeCloseTo(1, 12);
    expect(d.layout).toBeCloseTo(255, 9);
    expect(d.luma).toBeCloseTo(255, 3);
  });

  it('keeps a band of 3 distances per frame', async () => {
    const stats = await clipStatistics(
      [solid(0, 0, 0), solid(10, 10, 10), solid(20, 20, 20), solid(30, 30, 30), solid(40, 40, 40)],
      size,
    );
    expect(stats.distances.map((d) => d.length)).toEqual([0, 1, 2, 3, 3]);
    expect(stats.distances[4].map((d) => Math.round(d.layout))).toEqual([10, 20, 30]);
  });
});

describe('scoreCuts', () => {
  it('counts exact-frame matches and pools clips as a micro-average', () => {
    const a = scoreCuts([11, 40], [11, 13]);
    expect(a).toEqual({ truePositives: 1, falsePositives: 1, falseNegatives: 1, precision: 0.5, recall: 0.5 });
    expect(scoreCuts([], [])).toMatchObject({ precision: 1, recall: 1 });
    expect(sumCutScores([a, scoreCuts([5], [5])])).toMatchObject({ truePositives: 2, precision: 2 / 3, recall: 2 / 3 });
  });
});

describe('detectCuts on a real clip against its FRAMES.tsv', () => {
  it('8a00709108cd4e2b (training clip, 542 frames, 3 cuts): precision and recall >= 0.95', async () => {
    const clip = join(CLIPS_DIR, '8a00709108cd4e2b.mp4');
    const video = await probeVideo(clip);
    const stats = await clipStatistics(decodeVideoFrames(clip, video), video);
    const truth = (await readFramesTsv(FRAMES_TSV)).clips.get('8a00709108cd4e2b.mp4')?.runs.slice(1) ?? [];
    const score = scoreCuts(
      detectCuts(stats).cuts,
      truth.map((r) => r.firstFrameIndex),
    );
    expect(truth.length).toBe(3);
    expect(score.precision).toBeGreaterThanOrEqual(0.95);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
  }, 180_000); // 542 frames decoded and compared: 60 s was too tight on the slower AMD EPYC CI host (session 7)
});
