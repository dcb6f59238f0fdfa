import { TileBlender, blendTiles, extractTile, planTiles } from '../../../models/tiling/index.js';
import type { TilePlan } from '../../../models/tiling/index.js';
import { maxAbsDiff, rand, thrownCode } from '../testUtils.js';

const C = 3;

function runTiles(
  plan: TilePlan,
  frame: Float32Array,
  process: (tile: Float32Array, index: number, row: number, col: number) => Float32Array,
): Float32Array {
  const { height: H, width: W } = plan;
  const outputs = plan.tiles.map((t) =>
    process(extractTile(frame, C, H, W, t), t.index, Math.floor(t.index / plan.cols), t.index % plan.cols),
  );
  return blendTiles(plan, C, outputs);
}

/** Largest |difference| between horizontally or vertically adjacent pixels. */
function maxNeighbourStep(img: Float32Array, H: number, W: number): number {
  let m = 0;
  for (let c = 0; c < C; c++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const v = img[(c * H + y) * W + x];
        if (x + 1 < W) m = Math.max(m, Math.abs(img[(c * H + y) * W + x + 1] - v));
        if (y + 1 < H) m = Math.max(m, Math.abs(img[(c * H + y + 1) * W + x] - v));
      }
  return m;
}

describe('planTiles', () => {
  it('places tiles every tile - overlap, the last aligned to the border', () => {
    const p = planTiles(80, 80, 32, 32, 8);
    expect(p.rows).toBe(3);
    expect(p.cols).toBe(3);
    expect(p.tiles.map((t) => [t.y, t.x])).toEqual([
      [0, 0], [0, 24], [0, 48],
      [24, 0], [24, 24], [24, 48],
      [48, 0], [48, 24], [48, 48],
    ]); // prettier-ignore
    const q = planTiles(70, 100, 32, 32, 8);
    expect([...new Set(q.tiles.map((t) => t.y))]).toEqual([0, 24, 38]);
    expect([...new Set(q.tiles.map((t) => t.x))]).toEqual([0, 24, 48, 68]);
    expect(q.tiles.every((t) => t.y + t.height <= 70 && t.x + t.width <= 100)).toBe(true);
  });

  it('one tile along an axis where the frame is not larger than the tile', () => {
    const p = planTiles(20, 50, 32, 32, 8);
    expect(p.rows).toBe(1);
    expect(p.tiles.map((t) => [t.y, t.x, t.height, t.width])).toEqual([
      [0, 0, 20, 32],
      [0, 18, 20, 32],
    ]);
    expect(planTiles(32, 32, 32, 32, 8).tiles).toHaveLength(1);
  });

  it('weights are > 0 and linear over the overlap', () => {
    const p = planTiles(56, 56, 32, 32, 8);
    for (const t of p.tiles) for (const w of [...t.weightsY, ...t.weightsX]) expect(w).toBeGreaterThan(0);
    expect(Array.from(p.tiles[0].weightsX.subarray(24))).toEqual([8, 7, 6, 5, 4, 3, 2, 1].map((v) => v / 9));
    expect(Array.from(p.tiles[1].weightsX.subarray(0, 8))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((v) => v / 9));
  });

  it.each([
    [0, 10, 4, 4, 1],
    [10, 10, 4, 0, 1],
    [10, 10, 4, 4, 4],
    [10, 10, 4, 4, -1],
    [10, 10, 4, 4, 1.5],
  ])('refuses H=%p W=%p tile=%px%p overlap=%p', (H, W, th, tw, o) => {
    expect(thrownCode(() => planTiles(H, W, th, tw, o))).toBe('MODEL_ERR_BAD_OPTION');
  });
});

describe('TileBlender', () => {
  it.each([
    [80, 80, 32, 32, 8],
    [70, 100, 32, 32, 8],
    [37, 29, 16, 8, 3],
    [20, 50, 32, 32, 8],
    [64, 64, 32, 32, 0],
  ])('identity processing returns the frame exactly (%ix%i, tile %ix%i, overlap %i)', (H, W, th, tw, o) => {
    const r = rand(H * W);
    const frame = Float32Array.from({ length: C * H * W }, () => r() * 2 - 1);
    const out = runTiles(planTiles(H, W, th, tw, o), frame, (t) => t);
    expect(maxAbsDiff(out, frame)).toBeLessThanOrEqual(1e-6);
  });

  it('feathers a per-tile bias: no step above bias/overlap * 1.5 across tile borders (corners included)', () => {
    const bias = 8;
    for (const [H, W, th, tw, o] of [
      [80, 80, 32, 32, 8],
      [70, 100, 32, 32, 8],
      [40, 40, 16, 16, 4],
    ]) {
      const plan = planTiles(H, W, th, tw, o);
      const frame = new Float32Array(C * H * W).fill(0.25);
      // checkerboard of offsets: every pair of neighbouring tiles differs by `bias`
      const out = runTiles(plan, frame, (t, _i, row, col) => t.map((v) => v + ((row + col) % 2) * bias));
      const step = maxNeighbourStep(out, H, W);
      expect(step).toBeLessThan((bias / o) * 1.5);
      expect(step).toBeGreaterThan(0);
    }
  });

  it('accepts tiles in any order', () => {
    const plan = planTiles(40, 40, 16, 16, 4);
    const r = rand(3);
    const frame = Float32Array.from({ length: C * 40 * 40 }, () => r());
    const b = new TileBlender(plan, C);
    for (const t of [...plan.tiles].reverse())
      b.add(
        t.index,
        extractTile(frame, C, 40, 40, t).map((v) => v * 2),
      );
    expect(
      maxAbsDiff(
        b.result(),
        frame.map((v) => 2 * v),
      ),
    ).toBeLessThanOrEqual(1e-6);
  });

  it('refuses missing, repeated, unknown or malformed tiles', () => {
    const plan = planTiles(40, 40, 16, 16, 4);
    const b = new TileBlender(plan, C);
    const t0 = new Float32Array(C * 16 * 16);
    b.add(0, t0);
    expect(thrownCode(() => b.add(0, t0))).toBe('MODEL_ERR_BAD_INPUT');
    expect(thrownCode(() => b.add(99, t0))).toBe('MODEL_ERR_BAD_INPUT');
    expect(() => b.add(1, new Float32Array(5))).toThrow(
      'TileBlender.add: tile 1: expected 768 values (3x16x16), got 5',
    );
    expect(() => b.result()).toThrow(/missing tile 1/);
    expect(thrownCode(() => new TileBlender(plan, 0))).toBe('MODEL_ERR_BAD_OPTION');
    expect(thrownCode(() => blendTiles(plan, C, [t0]))).toBe('MODEL_ERR_BAD_INPUT');
    expect(thrownCode(() => extractTile(new Float32Array(10), C, 40, 40, plan.tiles[0]))).toBe('MODEL_ERR_BAD_INPUT');
  });
});
