import { modelError } from '../errors.js';
import { planTiles, type FrameTile, type TilePlan } from '../tiling/index.js';

/** The TRN's in-plane tiles and the size each is padded to before the network. */
export interface RefinePlan {
  readonly plan: TilePlan;
  /** [height, width] the tile is edge-padded to: the next multiple of the pack's tile, at most the refine tile. */
  padded(tile: FrameTile): readonly [number, number];
}

/**
 * Plans the TRN's tiles: `size` pixels square (default the pack's tile: on 2 CPU cores larger TRN tiles measured slower per pixel, see docs/BENCHMARKS.md; on a GPU fewer, larger calls are the lever), overlapping by the pack's overlap
 * scaled with the tile, so seams get the same share of context as the diffusion tiles. The size must be a multiple
 * of the pack's tile, which the pack's graphs are known to take (windowed attention needs multiples of its window).
 * @throws MODEL_ERR_BAD_OPTION for a size that is not a positive multiple of the pack's tile
 */
export function planRefineTiles(
  H: number,
  W: number,
  tile: { readonly height: number; readonly width: number },
  overlap: number,
  size?: number,
): RefinePlan {
  const rh = size ?? tile.height;
  const rw = size ?? tile.width;
  if (!Number.isInteger(rh) || rh < 1 || rh % tile.height !== 0 || rw % tile.width !== 0) {
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `refineTile: expected a positive multiple of the pack's ${tile.height}x${tile.width} tile, got ${size}`,
      { option: 'refineTile' },
    );
  }
  const scaled = Math.min(Math.round((overlap * rh) / tile.height), rh - 1, rw - 1);
  const plan = planTiles(H, W, rh, rw, scaled);
  const up = (n: number, step: number, max: number): number => Math.min(max, Math.ceil(n / step) * step);
  return {
    plan,
    padded: (t) => [up(t.height, tile.height, rh), up(t.width, tile.width, rw)] as const,
  };
}
