import { blendWindows, planSegmentWindows, planWindows } from '../../../models/tiling/index.js';
import { ModelError } from '../../../models/errors.js';

describe('planSegmentWindows', () => {
  it('keeps every window inside one segment and covers every frame', () => {
    const plan = planSegmentWindows(40, 9, 6, [11, 13, 15, 22]);
    const bounds = [0, 11, 13, 15, 22, 40];
    const segmentOf = (f: number): number => bounds.findIndex((b, s) => f >= b && f < bounds[s + 1]);
    const covered = new Set<number>();
    for (const w of plan.windows) {
      const real = w.frames.filter((_, p) => !w.padding[p]);
      expect(new Set(real.map(segmentOf)).size).toBe(1);
      // Padding repeats the segment's own last frame, never a frame of the next one.
      expect(new Set(w.frames.map(segmentOf)).size).toBe(1);
      real.forEach((f) => covered.add(f));
    }
    expect([...covered].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(plan.windows.map((w) => w.index)).toEqual(plan.windows.map((_, i) => i));
    expect(plan.windows.map((w) => w.start)).toEqual([...plan.windows.map((w) => w.start)].sort((a, b) => a - b));
  });

  it('is planWindows when there is no boundary', () => {
    expect(planSegmentWindows(20, 9, 6, [])).toEqual(planWindows(20, 9, 6));
  });

  it('blends a segmented plan back into the input frames (a frame is never mixed with another segment)', () => {
    const plan = planSegmentWindows(12, 4, 2, [5]);
    const outputs = plan.windows.map((w) => w.frames.map((f) => Float32Array.of(f)));
    expect(blendWindows(plan, outputs, 1).map((x) => x[0])).toEqual(Array.from({ length: 12 }, (_, i) => i));
  });

  it('refuses boundaries that are not increasing frames inside the series', () => {
    for (const bad of [[0], [5, 5], [7, 3], [12], [2.5]]) {
      expect(() => planSegmentWindows(12, 4, 2, bad)).toThrow(ModelError);
    }
    expect(() => planSegmentWindows(12, 4, 2, [12])).toThrow(
      /segmentStarts\[0\]: expected an integer in \(0, 12\), got 12/,
    );
  });
});
