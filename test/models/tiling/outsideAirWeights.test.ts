import { AIR_FADE, boxMean, outsideAirWeights, planTiles } from '../../../models/tiling/index.js';

const N = 128;
const plan = planTiles(N, N, 32, 32, 8); // tile rows start at 0, 24, 48, 72, 96: rows 0..31 are air tiles
const BODY_TOP = 60;
const inHole = (y: number, x: number): boolean => y >= 86 && y < 110 && x >= 52 && x < 76;
const isTissue = (y: number, x: number): boolean => y >= BODY_TOP && !inHole(y, x);

/** Air above a body with an air pocket inside it (a trachea), low-dose-like noise everywhere. */
function frame(bodyOnly = false): Float32Array {
  let s = 3;
  const u = (): number => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  return Float32Array.from({ length: N * N }, (_, i) => {
    const y = Math.floor(i / N);
    const x = i % N;
    return (bodyOnly || isTissue(y, x) ? 40 : -1000) + 40 * (u() + u() + u());
  });
}

describe('boxMean', () => {
  it('is the mean over the box clipped to the image, exactly 0 over zeros', () => {
    const H = 9;
    const W = 7;
    const img = Float32Array.from({ length: H * W }, (_, i) => ((i * 37) % 11) - 5);
    for (let i = 0; i < W * 3; i++) img[i] = 0;
    const m = boxMean(img, H, W, 2);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        let sum = 0;
        let n = 0;
        for (let v = Math.max(0, y - 2); v <= Math.min(H - 1, y + 2); v++)
          for (let u = Math.max(0, x - 2); u <= Math.min(W - 1, x + 2); u++, n++) sum += img[v * W + u];
        expect(m[y * W + x]).toBeCloseTo(sum / n, 12);
      }
    expect(m[0]).toBe(0);
  });
});

describe('outsideAirWeights', () => {
  it('is undefined for a frame without air tiles, so nothing changes', () => {
    expect(outsideAirWeights(frame(true), plan)).toBeUndefined();
  });

  it('is 0 in the air outside, 1 in the body and in air inside it, ramping in between', () => {
    const w = outsideAirWeights(frame(), plan);
    expect(w).toBeDefined();
    if (w === undefined) return;
    const wrong = { range: 0, tissue: 0, hole: 0, outside: 0 };
    for (let y = 0; y < N; y++)
      for (let x = 0; x < N; x++) {
        const v = w[y * N + x];
        if (!(v >= 0 && v <= 1)) wrong.range++;
        if (isTissue(y, x) && v !== 1) wrong.tissue++;
        if (inHole(y, x) && v !== 1) wrong.hole++;
        if (y < BODY_TOP - AIR_FADE.meanRadius - AIR_FADE.fadeRadius && v !== 0) wrong.outside++;
      }
    expect(wrong).toEqual({ range: 0, tissue: 0, hole: 0, outside: 0 });
    // A smooth ramp across the body outline, not a step: monotone, no jump above 1 / fadeRadius.
    const column = Array.from({ length: BODY_TOP + 1 }, (_, y) => w[y * N + 40]);
    for (let y = 1; y < column.length; y++) {
      expect(column[y]).toBeGreaterThanOrEqual(column[y - 1]);
      expect(column[y] - column[y - 1]).toBeLessThanOrEqual(1 / (2 * AIR_FADE.fadeRadius + 1) + 1e-6);
    }
  });
});
