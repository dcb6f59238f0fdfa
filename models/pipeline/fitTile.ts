import type { FrameTile } from '../tiling/index.js';

/**
 * A tile smaller than the pack's tile (a frame smaller than a tile along an axis) is edge-padded to the tile size;
 * a full-size tile is returned as is.
 * @param data - [3, tile.height, tile.width]
 * @returns [3, th, tw]
 */
export function fitTile(data: Float32Array, tile: FrameTile, th: number, tw: number): Float32Array {
  if (tile.height === th && tile.width === tw) return data;
  const out = new Float32Array(3 * th * tw);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < th; y++) {
      const sy = Math.min(y, tile.height - 1);
      for (let x = 0; x < tw; x++)
        out[(c * th + y) * tw + x] = data[(c * tile.height + sy) * tile.width + Math.min(x, tile.width - 1)];
    }
  }
  return out;
}

/** The inverse of `fitTile`: the tile's own top-left [3, tile.height, tile.width] of a [3, th, tw] result. */
export function unfitTile(data: Float32Array, tile: FrameTile, th: number, tw: number): Float32Array {
  if (tile.height === th && tile.width === tw) return data;
  const out = new Float32Array(3 * tile.height * tile.width);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < tile.height; y++) {
      for (let x = 0; x < tile.width; x++) out[(c * tile.height + y) * tile.width + x] = data[(c * th + y) * tw + x];
    }
  }
  return out;
}
