import { createLogger } from '../../../common/index.js';
import { loadPack, restoreSeries, type SeriesSource } from '../../../models/index.js';
import { isAirTile, planTiles } from '../../../models/tiling/index.js';

/** Gaussian-ish noise from a fixed sequence (sum of 4 uniforms), SD ~= sd. */
function noisy(n: number, mean: number, sd: number, seed = 1): Float32Array {
  let s = seed;
  const u = (): number => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5;
  return Float32Array.from({ length: n }, () => mean + sd * 1.732 * (u() + u() + u() + u()));
}

describe('isAirTile', () => {
  const W = 64;
  const tile = planTiles(W, W, W, W, 0).tiles[0];

  it('takes air with low-dose noise, and nothing a reader could need', () => {
    expect(isAirTile(noisy(W * W, -1000, 60), W, tile)).toBe(true); // 10 % dose noise in air
    expect(isAirTile(new Float32Array(W * W).fill(-3024), W, tile)).toBe(true); // outside the reconstruction circle
    expect(isAirTile(noisy(W * W, -850, 40), W, tile)).toBe(false); // lung parenchyma
    expect(isAirTile(noisy(W * W, -990, 10), W, tile)).toBe(true);
    const skin = noisy(W * W, -1000, 10);
    for (let y = 0; y < W; y++) skin[y * W + 60] = 40; // a 1-pixel-wide skin line: 1.6 % of the tile
    expect(isAirTile(skin, W, tile)).toBe(false);
    const vessel = noisy(W * W, -1000, 10);
    for (let i = 0; i < 60; i++) vessel[2000 + i] = 50; // 60 soft-tissue pixels (1.5 %)
    expect(isAirTile(vessel, W, tile)).toBe(false);
  });
});

describe('restoreSeries: air tiles pass through, the rest is restored', () => {
  it('leaves a CT frame unchanged in its air tiles unless skipAir is false', async () => {
    const H = 96; // 32x32 tiles, overlap 8: the left column of tiles is all air, the right holds a body
    const frames = Array.from({ length: 9 }, (_, i) => {
      const f = noisy(H * H, -1000, 20, i + 1);
      for (let y = 0; y < H; y++) for (let x = 60; x < H; x++) f[y * H + x] = 40 + 30 * Math.sin(y / 5 + i);
      return f;
    });
    const src: SeriesSource = { kind: 'ct', count: 9, height: H, width: H, frame: async (i) => frames[i] };
    const pack = await loadPack('models/packs/tiny-test', { device: 'cpu', logger: createLogger('silent') });
    const run = async (skipAir: boolean): Promise<{ out: Float32Array[]; air: number }> => {
      const out: Float32Array[] = [];
      let air = -1;
      for await (const ev of restoreSeries(pack, src, {
        noise: (n) => new Float32Array(n).fill(0.1),
        header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
        steps: 1,
        degradation: 'low-dose CT noise',
        skipAir,
      })) {
        if (ev.type === 'frame') out.push(ev.values as Float32Array);
        if (ev.type === 'done') air = ev.airTileWindows ?? 0;
      }
      return { out, air };
    };
    try {
      const skip = await run(true);
      const all = await run(false);
      expect(all.air).toBe(0);
      expect(skip.air).toBeGreaterThan(0);
      // x < 24: only air tiles cover it (the first tile column ends at 32, the next starts at 24)
      let airSame = true;
      let bodyChanged = false;
      let airChangedWhenKept = false;
      for (let i = 0; i < 9; i++)
        for (let y = 0; y < H; y++) {
          for (let x = 0; x < 24; x++) {
            if (skip.out[i][y * H + x] !== frames[i][y * H + x]) airSame = false;
            if (all.out[i][y * H + x] !== frames[i][y * H + x]) airChangedWhenKept = true;
          }
          for (let x = 72; x < H; x++) if (skip.out[i][y * H + x] !== frames[i][y * H + x]) bodyChanged = true;
        }
      expect(airSame).toBe(true);
      expect(airChangedWhenKept).toBe(true);
      expect(bodyChanged).toBe(true);
    } finally {
      await pack.release();
    }
  }, 120_000);
});
