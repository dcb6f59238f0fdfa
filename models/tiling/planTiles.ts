import { modelError } from '../errors.js';
import { planAxis } from './planAxis.js';

/** One in-plane tile of a frame. */
export interface FrameTile {
  /** Position in the plan, row-major over (tile row, tile column). */
  readonly index: number;
  /** Top-left corner in the frame. */
  readonly y: number;
  readonly x: number;
  /** Tile size (the plan's tile size, or the frame's own size along an axis where the frame is smaller). */
  readonly height: number;
  readonly width: number;
  /** Feathering weight per tile row (length `height`) and per tile column (length `width`); w(y, x) = wy·wx > 0. */
  readonly weightsY: Float64Array;
  readonly weightsX: Float64Array;
}

/** Tiles covering an H x W frame. */
export interface TilePlan {
  readonly height: number;
  readonly width: number;
  readonly overlap: number;
  /** Tile rows and columns of the plan. */
  readonly rows: number;
  readonly cols: number;
  readonly tiles: readonly FrameTile[];
}

/**
 * Plans overlapping tiles over a frame larger than the pack's tile: along each axis, starts every
 * `tile − overlap` pixels, the last tile aligned to the border (so no tile sticks out and none is smaller).
 * Along an axis where the frame is not larger than the tile, one tile spans the frame (the caller pads or
 * resizes if the model needs the exact tile size). Feathering weights ramp linearly over each overlap.
 * @param H - frame height
 * @param W - frame width
 * @param tileH - tile height (pack `tile.height`)
 * @param tileW - tile width (pack `tile.width`)
 * @param overlap - pixels shared by neighbouring tiles (pack default `tile_overlap`), in [0, min(tileH, tileW))
 * @throws MODEL_ERR_BAD_OPTION for sizes < 1 or an overlap out of range
 * @example planTiles(80, 80, 32, 32, 8).tiles.map((t) => [t.y, t.x]); // 3x3 tiles at 0, 24, 48
 */
export function planTiles(H: number, W: number, tileH: number, tileW: number, overlap: number): TilePlan {
  const bad = (option: string, expected: string, got: number): never => {
    throw modelError('MODEL_ERR_BAD_OPTION', `planTiles: ${option}: expected ${expected}, got ${got}`, { option });
  };
  for (const [name, v] of [
    ['H', H],
    ['W', W],
    ['tileH', tileH],
    ['tileW', tileW],
  ] as const)
    if (!Number.isInteger(v) || v < 1) bad(name, 'an integer >= 1', v);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= Math.min(tileH, tileW))
    bad('overlap', `an integer in [0, ${Math.min(tileH, tileW) - 1}]`, overlap);

  const ay = planAxis(H, tileH, tileH - overlap);
  const ax = planAxis(W, tileW, tileW - overlap);
  const tiles: FrameTile[] = [];
  ay.starts.forEach((y, r) =>
    ax.starts.forEach((x, c) =>
      tiles.push({
        index: tiles.length,
        y,
        x,
        height: ay.size,
        width: ax.size,
        weightsY: ay.weights[r],
        weightsX: ax.weights[c],
      }),
    ),
  );
  return { height: H, width: W, overlap, rows: ay.starts.length, cols: ax.starts.length, tiles };
}
