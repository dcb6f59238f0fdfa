import { modelError } from '../errors.js';
import type { FrameTile } from './planTiles.js';

/**
 * Copies one tile out of a frame.
 * @param frame - [C, H, W] row-major
 * @param C - channels
 * @param H - frame height
 * @param W - frame width
 * @param tile - from `planTiles(H, W, …)`
 * @returns [C, tile.height, tile.width]
 * @throws MODEL_ERR_BAD_INPUT when the frame length is not C·H·W or the tile lies outside the frame
 */
export function extractTile(frame: Float32Array, C: number, H: number, W: number, tile: FrameTile): Float32Array {
  if (frame.length !== C * H * W || tile.y + tile.height > H || tile.x + tile.width > W)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `extractTile: expected a ${C}x${H}x${W} frame containing tile ${tile.index} ` +
        `(${tile.height}x${tile.width} at ${tile.y},${tile.x}), got ${frame.length} values`,
      { input: 'frame', tile: tile.index },
    );
  const { height: th, width: tw } = tile;
  const out = new Float32Array(C * th * tw);
  for (let c = 0; c < C; c++)
    for (let r = 0; r < th; r++) {
      const src = (c * H + tile.y + r) * W + tile.x;
      out.set(frame.subarray(src, src + tw), (c * th + r) * tw);
    }
  return out;
}
