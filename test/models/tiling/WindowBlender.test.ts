import { WindowBlender, blendWindows, planWindows } from '../../../models/tiling/index.js';
import type { WindowPlan } from '../../../models/tiling/index.js';
import { maxAbsDiff, rand, thrownCode } from '../testUtils.js';

const FRAME = 2 * 3 * 4;

/** Runs every window of a plan through `process` (slot frames in, slot frames out), streaming. */
function run(
  plan: WindowPlan,
  series: Float32Array[],
  process: (x: Float32Array, window: number, slot: number) => Float32Array,
): { frames: Float32Array[]; emittedAt: number[]; order: number[] } {
  const blender = new WindowBlender(plan, FRAME);
  const frames: Float32Array[] = [];
  const emittedAt: number[] = [];
  const order: number[] = [];
  for (const w of plan.windows) {
    const out = blender.push(w.frames.map((f, p) => process(series[f], w.index, p)));
    for (const f of out) {
      frames[f.index] = f.data;
      emittedAt[f.index] = w.index;
      order.push(f.index);
    }
  }
  expect(blender.finished).toBe(true);
  return { frames, emittedAt, order };
}

const maxAdjacentStep = (frames: Float32Array[]): number => {
  let m = 0;
  for (let f = 1; f < frames.length; f++)
    for (let i = 0; i < FRAME; i++) m = Math.max(m, Math.abs(frames[f][i] - frames[f - 1][i]));
  return m;
};

describe('WindowBlender', () => {
  const r = rand(7);
  const makeSeries = (L: number): Float32Array[] =>
    Array.from({ length: L }, () => Float32Array.from({ length: FRAME }, () => r() * 4000 - 1024));

  it.each([
    [23, 9, 6],
    [20, 9, 6],
    [9, 9, 6],
    [5, 9, 6],
    [40, 4, 2],
    [30, 16, 12],
    [17, 9, 1],
    [18, 9, 9],
  ])('identity processing returns the input exactly (L=%i, k=%i, stride=%i)', (L, k, s) => {
    const series = makeSeries(L);
    const { frames } = run(planWindows(L, k, s), series, (x) => x);
    expect(frames).toHaveLength(L);
    frames.forEach((f, i) => expect(maxAbsDiff(f, series[i])).toBeLessThanOrEqual(1e-6));
    // float64 accumulation makes it exact: Σw·x / Σw rounds back to the float32 x
    frames.forEach((f, i) => expect(f).toEqual(series[i]));
  });

  it('emits each frame once, in order, as soon as no later window covers it', () => {
    const L = 23;
    const plan = planWindows(L, 9, 6); // starts 0, 6, 12, 14
    expect(plan.windows.map((w) => w.start)).toEqual([0, 6, 12, 14]);
    const { emittedAt, order } = run(plan, makeSeries(L), (x) => x);
    expect(order).toEqual(Array.from({ length: L }, (_, i) => i));
    for (let f = 0; f < L; f++) {
      const lastCovering = Math.max(...plan.windows.filter((w) => w.frames.includes(f)).map((w) => w.index));
      expect(emittedAt[f]).toBe(lastCovering);
    }
  });

  it('smooths a per-window bias into a ramp: no seam step above bias/overlap * 1.5', () => {
    const bias = 10;
    for (const [L, k, s] of [
      [23, 9, 6],
      [20, 9, 6],
      [41, 9, 6],
      [30, 16, 12],
      [40, 4, 2],
    ]) {
      const series = Array.from({ length: L }, () => new Float32Array(FRAME).fill(100));
      const plan = planWindows(L, k, s);
      const overlap = k - s;
      // alternate offsets so every pair of neighbouring windows differs by `bias`
      const { frames } = run(plan, series, (x, w) => x.map((v) => v + (w % 2) * bias));
      const step = maxAdjacentStep(frames);
      expect(step).toBeLessThan((bias / overlap) * 1.5);
      expect(step).toBeGreaterThan(0);
      // without blending (each frame from its last window) the seam would be the full bias
    }
  });

  it('ignores the outputs of padding slots', () => {
    const series = makeSeries(5);
    const { frames } = run(planWindows(5, 9, 6), series, (x, _w, p) =>
      p >= 5 ? new Float32Array(FRAME).fill(NaN) : x,
    );
    frames.forEach((f, i) => expect(f).toEqual(series[i]));
  });

  it('blendWindows gives the same result as streaming', () => {
    const series = makeSeries(23);
    const plan = planWindows(23, 9, 6);
    const outputs = plan.windows.map((w) => w.frames.map((f) => series[f].map((v) => v + w.index)));
    const streamed = run(plan, series, (x, w) => x.map((v) => v + w)).frames;
    expect(blendWindows(plan, outputs, FRAME)).toEqual(streamed);
  });

  it('refuses extra windows, wrong slot counts and wrong frame lengths', () => {
    const plan = planWindows(9, 9, 6);
    const b = new WindowBlender(plan, FRAME);
    expect(thrownCode(() => b.push([new Float32Array(FRAME)]))).toBe('MODEL_ERR_BAD_INPUT');
    expect(() => b.push(Array.from({ length: 9 }, () => new Float32Array(3)))).toThrow(
      'WindowBlender.push: window 0 slot 0: expected 24 values, got 3',
    );
    b.push(Array.from({ length: 9 }, () => new Float32Array(FRAME)));
    expect(() => b.push(Array.from({ length: 9 }, () => new Float32Array(FRAME)))).toThrow(/no more windows/);
    expect(thrownCode(() => new WindowBlender(plan, 0))).toBe('MODEL_ERR_BAD_OPTION');
    expect(thrownCode(() => blendWindows(plan, [], FRAME))).toBe('MODEL_ERR_BAD_INPUT');
  });
});
