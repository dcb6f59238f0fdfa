import type { FrameTile } from './planTiles.js';

/**
 * What counts as air outside the patient: the tile's mean below -950 HU and at most 1 % of its pixels above
 * -700 HU. The mean rejects lung (about -850 HU), the high-value share rejects any tile touching skin, table or a
 * vessel; the 1 % lets low-dose noise in air (SD up to ~60 HU at 10 % dose) through, where a plain maximum would not.
 */
export const AIR_TILE = Object.freeze({ meanBelowHu: -950, highHu: -700, highFraction: 0.01 });

/**
 * True when a CT tile is air by AIR_TILE. The series pipeline passes such tiles through unchanged instead of running
 * the networks on them (a third of an abdomen slice's 64x64 tiles, docs/BENCHMARKS.md): they are black in soft-tissue
 * and bone windows, and in a lung window they keep their original noise; outsideAirWeights keeps the air next to them
 * unchanged in restored tiles too, so no tile edge shows.
 * @param hu - the frame in HU, H x W row-major
 * @param width - W
 */
export function isAirTile(hu: Float32Array, width: number, tile: FrameTile): boolean {
  const n = tile.height * tile.width;
  const maxHigh = Math.floor(AIR_TILE.highFraction * n);
  let sum = 0;
  let high = 0;
  for (let y = tile.y; y < tile.y + tile.height; y++) {
    const row = y * width;
    for (let x = tile.x; x < tile.x + tile.width; x++) {
      const v = hu[row + x];
      sum += v;
      if (v > AIR_TILE.highHu && ++high > maxHigh) return false;
    }
  }
  return sum / n < AIR_TILE.meanBelowHu;
}
