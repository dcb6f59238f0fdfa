import { Cine, DEFAULT_CINE_FPS, frameRateOf } from '../../viewer/src/cine.js';
import { pairByIndex, pairSlices, pairWithSubset } from '../../viewer/src/pairing.js';
import {
  imageDistance,
  imagePlane,
  imageToWorld,
  lumaValues,
  roiShape,
  roiStats,
  worldToImage,
} from '../../viewer/src/roiMath.js';

/**
 * The viewer's pure modules (no DOM, no Cornerstone): slice pairing, ROI geometry and statistics, the cine rate and
 * player. They run in the browser too; the e2e suites (test/viewer/*.e2e.test.ts) cover them there.
 */
describe('pairSlices', () => {
  it('pairs equal stacks one to one', () => {
    const p = pairSlices([0, 5, 10], [0, 5, 10]);
    expect(p.mode).toBe('position');
    expect(p.toRestored).toEqual([0, 1, 2]);
    expect(p.toOriginal).toEqual([0, 1, 2]);
  });

  it('pairs by position when the restored stack lacks slices, leaving the gaps unpaired', () => {
    // Original z = 0..11 x 20 mm; restored without z = 0, 20 and 140 (as the e2e test makes it).
    const original = Array.from({ length: 12 }, (_, i) => i * 20);
    const restored = original.filter((z) => ![0, 20, 140].includes(z));
    const p = pairSlices(original, restored);
    expect(p.toRestored).toEqual([undefined, undefined, 0, 1, 2, 3, 4, undefined, 5, 6, 7, 8]);
    expect(p.toOriginal).toEqual([2, 3, 4, 5, 6, 8, 9, 10, 11]);
    expect(p.nearestRestored[0]).toBe(0);
    expect([4, 5]).toContain(p.nearestRestored[7]);
    expect(p.toleranceMm).toBe(10);
  });

  it('does not pair slices half a spacing apart, and tolerates DS rounding', () => {
    const p = pairSlices([0, 5, 10], [2.5, 7.5]);
    expect(p.toRestored).toEqual([undefined, undefined, undefined]);
    const q = pairSlices([0, 5, 10], [0.004, 5.001, 9.999]);
    expect(q.toRestored).toEqual([0, 1, 2]);
  });

  it('pairs thinner restored slices with the original ones at the same position', () => {
    const p = pairSlices([0, 5, 10], [0, 2.5, 5, 7.5, 10]);
    expect(p.toRestored).toEqual([0, 2, 4]);
    expect(p.toOriginal).toEqual([0, undefined, 1, undefined, 2]);
  });

  it('follows each stack order (descending positions)', () => {
    const p = pairSlices([10, 5, 0], [0, 10]);
    expect(p.toRestored).toEqual([1, undefined, 0]);
    expect(p.toOriginal).toEqual([2, 0]);
  });

  it('falls back to index pairing when a position is missing', () => {
    const p = pairSlices([0, undefined, 10], [0, 5]);
    expect(p).toEqual(pairByIndex(3, 2));
    expect(p.mode).toBe('index');
    expect(p.toRestored).toEqual([0, 1, undefined]);
    expect(p.nearestRestored).toEqual([0, 1, 1]);
  });

  it('maps the original onto a subset of pairs (the difference stack)', () => {
    const base = pairSlices([0, 20, 40, 60], [20, 60]);
    const sub = pairWithSubset(4, [1, 3], base);
    expect(sub.toRestored).toEqual([undefined, 0, undefined, 1]);
    expect(sub.toOriginal).toEqual([1, 3]);
    expect(sub.nearestRestored).toEqual([0, 0, 0, 1]);
  });
});

describe('ROI geometry and statistics', () => {
  it('maps world and image coordinates both ways on an oblique plane with rectangular pixels', () => {
    const s = Math.SQRT1_2;
    const plane = imagePlane({
      imagePositionPatient: [10, -20, 35],
      rowCosines: [s, s, 0],
      columnCosines: [0, 0, -1],
      rowPixelSpacing: 0.8,
      columnPixelSpacing: 0.5,
      pixelSpacing: [0.8, 0.5],
    });
    // The first pixel's centre is ImagePositionPatient; image coordinates put it at (0.5, 0.5).
    expect(worldToImage(plane, [10, -20, 35])).toEqual([0.5, 0.5]);
    const p = imageToWorld(plane, [12.5, 3.5]);
    // 12 columns along the row (0.5 mm each), 3 rows down (0.8 mm each).
    expect(p[0]).toBeCloseTo(10 + 6 * s, 9);
    expect(p[1]).toBeCloseTo(-20 + 6 * s, 9);
    expect(p[2]).toBeCloseTo(35 - 2.4, 9);
    const back = worldToImage(plane, p);
    expect(back[0]).toBeCloseTo(12.5, 9);
    expect(back[1]).toBeCloseTo(3.5, 9);
    expect(imageDistance(plane, [0, 0], [4, 3])).toBeCloseTo(Math.hypot(2, 2.4), 12);
    expect(plane.calibrated).toBe(true);
  });

  it('takes Cornerstone defaults when the geometry is missing', () => {
    const plane = imagePlane(undefined);
    expect(plane).toEqual({
      origin: [0, 0, 0],
      rowCosines: [1, 0, 0],
      columnCosines: [0, 1, 0],
      rowSpacing: 1,
      columnSpacing: 1,
      calibrated: false,
    });
    expect(worldToImage(plane, [3, 4, 0])).toEqual([3.5, 4.5]);
  });

  it('averages the pixels whose centre lies inside an ellipse or a rectangle', () => {
    const columns = 9;
    const values = Float32Array.from({ length: 81 }, (_, i) => i);
    // Ellipse inscribed in [2, 7] x [2, 7]: centre (4.5, 4.5), radius 2.5; pixel centres at c + 0.5.
    const e = roiStats(
      values,
      columns,
      9,
      roiShape('ellipse', [
        [4.5, 7],
        [4.5, 2],
        [2, 4.5],
        [7, 4.5],
      ]),
    )!;
    const inside: number[] = [];
    for (let r = 0; r < 9; r++) {
      for (let c = 0; c < 9; c++) if ((c + 0.5 - 4.5) ** 2 + (r + 0.5 - 4.5) ** 2 <= 2.5 ** 2) inside.push(r * 9 + c);
    }
    const mean = inside.reduce((a, b) => a + b, 0) / inside.length;
    const sd = Math.sqrt(inside.reduce((a, b) => a + (b - mean) ** 2, 0) / (inside.length - 1));
    expect(e.n).toBe(inside.length);
    expect(e.n).toBe(21);
    expect(e.mean).toBeCloseTo(mean, 9);
    expect(e.sd).toBeCloseTo(sd, 9);
    expect([e.min, e.max]).toEqual([Math.min(...inside), Math.max(...inside)]);

    const rect = roiStats(
      values,
      columns,
      9,
      roiShape('rectangle', [
        [1, 1],
        [3, 1],
        [1, 2],
        [3, 2],
      ]),
    )!;
    // Centres (1.5, 1.5) and (2.5, 1.5): pixels 10 and 11.
    expect(rect).toEqual({ n: 2, mean: 10.5, sd: Math.SQRT1_2, min: 10, max: 11 });
  });

  it('keeps precision around -1000 HU, clips at the image edge, and finds nothing in an empty shape', () => {
    const values = new Float32Array(16).fill(-1000);
    values[5] = -999;
    values[6] = -1001;
    const all = roiStats(values, 4, 4, { kind: 'rectangle', x0: -3, y0: -3, x1: 9, y1: 9 })!;
    expect(all.n).toBe(16);
    expect(all.mean).toBeCloseTo(-1000, 9);
    expect(all.sd).toBeCloseTo(Math.sqrt(2 / 15), 9);
    expect(roiStats(values, 4, 4, { kind: 'ellipse', x0: 1, y0: 1, x1: 1, y1: 3 })).toBeUndefined();
    expect(roiStats(values, 4, 4, { kind: 'ellipse', x0: 10, y0: 10, x1: 12, y1: 12 })).toBeUndefined();
  });

  it('gives colour pixels as Rec. 601 luma', () => {
    expect(Array.from(lumaValues([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 10, 10], 3))).toEqual([
      expect.closeTo(76.245, 3),
      expect.closeTo(149.685, 3),
      expect.closeTo(29.07, 3),
      expect.closeTo(10, 4),
    ]);
  });
});

describe('cine', () => {
  it('takes the rate from FrameTime, RecommendedDisplayFrameRate, CineRate, or the default', () => {
    expect(frameRateOf({ '00181063': { vr: 'DS', Value: ['125'] }, '00082144': { vr: 'IS', Value: [30] } })).toEqual({
      fps: 8,
      source: 'FrameTime',
    });
    expect(frameRateOf({ '00082144': { vr: 'IS', Value: [30] }, '00180040': { vr: 'IS', Value: [5] } })).toEqual({
      fps: 30,
      source: 'RecommendedDisplayFrameRate',
    });
    expect(frameRateOf({ '00180040': { vr: 'IS', Value: [5] } })).toEqual({ fps: 5, source: 'CineRate' });
    expect(frameRateOf({ '00181063': { vr: 'DS', Value: [0] } })).toEqual({ fps: DEFAULT_CINE_FPS, source: 'default' });
    expect(frameRateOf(undefined)).toEqual({ fps: 10, source: 'default' });
  });

  it('advances once per frame time, never faster, and stops at the end without loop', async () => {
    const calls: { t: number; wrap: boolean }[] = [];
    let frame = 0;
    const cine = new Cine(async (wrap) => {
      calls.push({ t: performance.now(), wrap });
      if (frame >= 5 && !wrap) return false;
      frame++;
      return true;
    });
    const states: boolean[] = [];
    cine.onChange = (s) => states.push(s.playing);
    cine.setRate({ fps: 50, source: 'FrameTime' });
    cine.setLoop(false);
    cine.play();
    expect(cine.state.playing).toBe(true);
    const end = Date.now() + 5000;
    while (cine.state.playing && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(cine.state.playing).toBe(false);
    expect(frame).toBe(5);
    expect(calls).toHaveLength(6);
    expect(calls.every((c) => c.wrap === false)).toBe(true);
    const gaps = calls.slice(1).map((c, i) => c.t - calls[i].t);
    // 20 ms per frame at 50 fps on average: the player keeps its schedule, so a frame a timer fired late may be
    // followed by a shorter gap, but never shorter than half a frame time (no burst).
    expect((calls.at(-1)!.t - calls[0].t) / gaps.length).toBeGreaterThanOrEqual(19);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(9);
    expect(cine.state.frames).toBe(5);
    expect(cine.state.achievedFps).toBeLessThanOrEqual(52);
    expect(states.at(-1)).toBe(false);
  });

  /** Plays `steps` (ms each advance takes, on a simulated clock) at `fps` without loop; the times frames appeared. */
  async function simulate(fps: number, steps: readonly number[]): Promise<{ shown: number[]; cine: Cine }> {
    let now = 0;
    const shown: number[] = [];
    const cine = new Cine(
      async () => {
        if (shown.length >= steps.length) return false;
        now += steps[shown.length];
        shown.push(now);
        return true;
      },
      { now: () => now, sleep: async (ms) => void (now += ms) },
    );
    cine.setRate({ fps, source: 'FrameTime' });
    cine.setLoop(false);
    cine.play();
    while (cine.state.playing) await new Promise((r) => setImmediate(r));
    return { shown, cine };
  }
  const gapsOf = (t: number[]): number[] => t.slice(1).map((x, i) => x - t[i]);

  it('shows frames one frame time apart when the panes are quick, even when a step takes most of a frame time', async () => {
    for (const step of [0, 30, 100, 120]) {
      const { shown } = await simulate(8, Array(12).fill(step));
      // The first step starts one frame time after play (its time is not known yet); the second frame may close up
      // on the schedule by less than half a frame time; every later frame appears a frame time after the last.
      expect(shown[0]).toBeCloseTo(125 + step, 6);
      const [first, ...rest] = gapsOf(shown);
      expect(first).toBeGreaterThanOrEqual(62.5);
      expect(first).toBeLessThanOrEqual(125);
      for (const g of rest) expect(g).toBeCloseTo(125, 6);
    }
  });

  it('follows the panes when they take longer than a frame time, and says how long they take', async () => {
    const { shown, cine } = await simulate(8, Array(10).fill(300));
    // 300 ms a frame, not 300 + 125: a slow step is not followed by a whole frame time of waiting.
    for (const g of gapsOf(shown).slice(1)) expect(g).toBeCloseTo(300, 6);
    expect(cine.state.frameMs).toBe(300);
    expect(cine.state.achievedFps).toBeCloseTo(1000 / 300, 6);
  });

  it('does not catch up in a burst after one slow step', async () => {
    const steps = [5, 5, 5, 5, 400, 5, 5, 5, 5, 5];
    const { shown } = await simulate(8, steps);
    const gaps = gapsOf(shown);
    expect(gaps[3]).toBeCloseTo(520, 6); // the slow frame itself: 400 ms of loading after its 120 ms lead
    // One frame time after the late frame, then on schedule again.
    for (const g of gaps.slice(4)) expect(g).toBeCloseTo(125, 6);
  });

  it('scales the rate by the speed and stops advancing on pause', async () => {
    let frames = 0;
    const cine = new Cine(async () => {
      frames++;
      return true;
    });
    cine.setRate({ fps: 10, source: 'default' });
    cine.setSpeed(4);
    expect(cine.state.targetFps).toBe(40);
    cine.play();
    await new Promise((r) => setTimeout(r, 300));
    cine.pause();
    const shown = frames;
    // 40 fps for 0.3 s: at most 12 frames (fewer when the machine is busy), more than 10 fps (1x) would give.
    expect(shown).toBeGreaterThanOrEqual(4);
    expect(shown).toBeLessThanOrEqual(12);
    await new Promise((r) => setTimeout(r, 150));
    expect(frames).toBe(shown);
    cine.setRate({ fps: 8, source: 'FrameTime' });
    expect(cine.state).toMatchObject({ playing: false, speed: 4, targetFps: 32, frames: 0 });
  });
});
