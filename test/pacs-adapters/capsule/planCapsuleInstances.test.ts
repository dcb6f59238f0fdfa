import { PacsError } from '../../../pacs-adapters/index.js';
import {
  planCapsuleInstances,
  type CapsuleFrameRecord,
  type CapsuleRun,
} from '../../../pacs-adapters/capsule/index.js';

/** Synthetic runs of the given lengths, back to back in MP4 order, capsule frames 1000 apart per run. */
function runs(...lengths: number[]): CapsuleRun[] {
  let index = 0;
  return lengths.map((length, runId) => {
    const frames: CapsuleFrameRecord[] = Array.from({ length }, (_, i) => ({
      clip: 'x.mp4',
      mp4FrameIndex: index + i,
      kvasirFrameNumber: runId * 1000 + i,
      label: 'Normal',
      officialSplit: 0,
      runId,
      runLength: length,
      consecutiveWithPrevious: i > 0,
      line: index + i + 2,
    }));
    const run = {
      clip: 'x.mp4',
      runId,
      firstFrameIndex: index,
      length,
      firstKvasirFrame: runId * 1000,
      lastKvasirFrame: runId * 1000 + length - 1,
      frames,
    };
    index += length;
    return run;
  });
}

describe('planCapsuleInstances', () => {
  it('makes one instance per run when runs are short', () => {
    const plans = planCapsuleInstances(runs(11, 2, 52));
    expect(plans.map((p) => [p.runId, p.chunkIndex, p.chunkCount, p.firstFrameIndex, p.frameCount])).toEqual([
      [0, 0, 1, 0, 11],
      [1, 0, 1, 11, 2],
      [2, 0, 1, 13, 52],
    ]);
  });

  it('splits long runs into balanced, ordered chunks of at most maxFramesPerInstance', () => {
    expect(planCapsuleInstances(runs(532)).map((p) => p.frameCount)).toEqual([266, 266]);
    expect(planCapsuleInstances(runs(413)).map((p) => p.frameCount)).toEqual([207, 206]);
    const plans = planCapsuleInstances(runs(10, 25), { maxFramesPerInstance: 10 });
    expect(plans.map((p) => [p.runId, p.chunkIndex, p.chunkCount, p.firstFrameIndex, p.frameCount])).toEqual([
      [0, 0, 1, 0, 10],
      [1, 0, 3, 10, 9],
      [1, 1, 3, 19, 8],
      [1, 2, 3, 27, 8],
    ]);
  });

  it('never mixes runs and covers each taken frame once, in order', () => {
    const plans = planCapsuleInstances(runs(7, 300, 301, 1, 45), { maxFramesPerInstance: 100 });
    let next = 0;
    for (const p of plans) {
      expect(p.frameCount).toBeLessThanOrEqual(100);
      expect(new Set(p.frames.map((f) => f.runId))).toEqual(new Set([p.runId]));
      expect(p.frames.map((f) => f.mp4FrameIndex)).toEqual(Array.from({ length: p.frameCount }, (_, i) => next + i));
      next += p.frameCount;
    }
    expect(next).toBe(7 + 300 + 301 + 1 + 45);
  });

  it('limits runs and frames for quick imports, marking a run cut short', () => {
    expect(planCapsuleInstances(runs(11, 2, 52), { maxRuns: 2 }).map((p) => p.runId)).toEqual([0, 1]);
    const plans = planCapsuleInstances(runs(11, 2, 2, 7, 52), { maxFrames: 30 });
    expect(plans.map((p) => [p.runId, p.frameCount, p.runTruncated])).toEqual([
      [0, 11, false],
      [1, 2, false],
      [2, 2, false],
      [3, 7, false],
      [4, 8, true],
    ]);
  });

  it.each([
    ['maxFramesPerInstance', 0],
    ['maxRuns', 1.5],
    ['maxFrames', -3],
  ])('refuses %s = %p', (field, value) => {
    expect(() => planCapsuleInstances(runs(3), { [field]: value })).toThrow(PacsError);
    try {
      planCapsuleInstances(runs(3), { [field]: value });
    } catch (e) {
      expect((e as PacsError).details).toMatchObject({ field });
    }
  });
});
