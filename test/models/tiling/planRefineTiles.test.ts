import { planRefineTiles } from '../../../models/pipeline/planRefineTiles.js';

describe('planRefineTiles', () => {
  const tile = { height: 64, width: 64 };

  it('defaults to the pack tile and its overlap', () => {
    const r = planRefineTiles(512, 512, tile, 8);
    expect(r.plan.tiles).toHaveLength(81);
    expect(r.plan.overlap).toBe(8);
    expect(r.padded(r.plan.tiles[0])).toEqual([64, 64]);
  });

  it('scales the overlap with a larger refine tile and pads frames smaller than it to the pack tile grid', () => {
    const r = planRefineTiles(512, 512, tile, 8, 128);
    expect(r.plan.overlap).toBe(16);
    expect(r.plan.tiles).toHaveLength(25); // starts every 112 px, the last aligned to the border
    const small = planRefineTiles(100, 40, tile, 8, 128);
    expect(small.plan.tiles).toHaveLength(1);
    expect(small.padded(small.plan.tiles[0])).toEqual([128, 64]);
  });

  it.each([96, 0, -64, 1.5])('refuses a refine tile of %p (not a positive multiple of the pack tile)', (size) => {
    expect(() => planRefineTiles(512, 512, tile, 8, size)).toThrow(
      /refineTile: expected a positive multiple of the pack's 64x64 tile/,
    );
  });
});
