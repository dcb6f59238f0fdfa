import { planWindows, rampWeights } from '../../../models/tiling/index.js';
import { thrownCode } from '../testUtils.js';

describe('planWindows', () => {
  it('3x3 windows with stride 6 over 20 frames: starts 0, 6, 11 (last aligned to the end)', () => {
    const plan = planWindows(20, 9, 6);
    expect(plan.windows.map((w) => w.start)).toEqual([0, 6, 11]);
    expect(plan.windows[2].frames).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(plan.windows.every((w) => w.padding.every((p) => !p))).toBe(true);
  });

  it('exact fits: L = k gives one window, L = k + stride two', () => {
    expect(planWindows(9, 9, 6).windows.map((w) => w.start)).toEqual([0]);
    expect(planWindows(15, 9, 6).windows.map((w) => w.start)).toEqual([0, 6]);
    expect(planWindows(10, 9, 6).windows.map((w) => w.start)).toEqual([0, 1]);
  });

  it('pads a series shorter than k by repeating its last frame and reports the padding', () => {
    const plan = planWindows(5, 9, 6);
    expect(plan.windows).toHaveLength(1);
    expect(plan.windows[0].frames).toEqual([0, 1, 2, 3, 4, 4, 4, 4, 4]);
    expect(plan.windows[0].padding).toEqual([false, false, false, false, false, true, true, true, true]);
    expect(planWindows(1, 4, 2).windows[0].frames).toEqual([0, 0, 0, 0]);
  });

  it('covers every frame, in order, for many (L, k, stride)', () => {
    const problems: string[] = [];
    for (const k of [1, 4, 9, 16])
      for (let stride = 1; stride <= k; stride++)
        for (let L = 1; L <= 40; L++) {
          const { windows } = planWindows(L, k, stride);
          const covered = new Set<number>();
          const where = `L=${L} k=${k} stride=${stride}`;
          windows.forEach((w, i) => {
            if (w.index !== i || w.frames.length !== k) problems.push(`${where}: window ${i} malformed`);
            w.frames.forEach((f, p) => !w.padding[p] && covered.add(f));
            if (w.weights.some((x) => !(x > 0))) problems.push(`${where}: window ${i} has a weight <= 0`);
            if (i > 0 && !(w.start > windows[i - 1].start && w.start - windows[i - 1].start <= stride))
              problems.push(`${where}: window ${i} starts at ${w.start}`);
          });
          if (covered.size !== L) problems.push(`${where}: covers ${covered.size} frames`);
          const last = windows[windows.length - 1];
          if (L >= k && last.start + k !== L) problems.push(`${where}: last window ends at ${last.start + k}`);
        }
    expect(problems).toEqual([]);
  });

  it('weights ramp linearly over each overlap and sum to 1 where two windows overlap', () => {
    const { windows } = planWindows(20, 9, 6);
    // window 0 ↔ 1 overlap frames 6..8 (3 frames): ramps 3/4, 2/4, 1/4 and 1/4, 2/4, 3/4
    expect(Array.from(windows[0].weights)).toEqual([1, 1, 1, 1, 1, 1, 0.75, 0.5, 0.25]);
    expect(Array.from(windows[1].weights.subarray(0, 3))).toEqual([0.25, 0.5, 0.75]);
    // window 1 ↔ 2 overlap frames 11..14 (4 frames)
    for (let f = 11; f <= 14; f++) expect(windows[1].weights[f - 6] + windows[2].weights[f - 11]).toBeCloseTo(1, 12);
    expect(Array.from(rampWeights(5, 0, 0))).toEqual([1, 1, 1, 1, 1]);
  });

  it.each([
    [0, 9, 6],
    [10, 0, 1],
    [10, 9, 0],
    [10, 9, 10],
    [10, 9, 2.5],
  ])('refuses L=%p k=%p stride=%p', (L, k, s) => {
    expect(thrownCode(() => planWindows(L, k, s))).toBe('MODEL_ERR_BAD_OPTION');
  });

  it('names the option in the message', () => {
    expect(() => planWindows(10, 9, 10)).toThrow(
      'planWindows: stride: expected an integer in [1, 9] (the window size), got 10',
    );
  });
});
