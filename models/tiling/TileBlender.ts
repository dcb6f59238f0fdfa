import { modelError } from '../errors.js';
import type { TilePlan } from './planTiles.js';

/**
 * Blends restored tiles back into one frame with linear feathering: out = Σ_t w_t·x_t / Σ_t w_t, with
 * w_t(y, x) = weightsY[y]·weightsX[x] > 0 (float64 accumulation). Tiles may be added in any order.
 * @example
 * const blender = new TileBlender(plan, 3);
 * for (const t of plan.tiles) blender.add(t.index, restore(extractTile(frame, 3, H, W, t)));
 * const out = blender.result();
 */
export class TileBlender {
  private readonly sum: Float64Array;
  private readonly weight: Float64Array;
  private readonly seen: boolean[];
  private added = 0;

  /**
   * @param plan - from `planTiles`
   * @param channels - C of every tile and of the result
   * @throws MODEL_ERR_BAD_OPTION for a channel count < 1
   */
  constructor(
    readonly plan: TilePlan,
    readonly channels: number,
  ) {
    if (!Number.isInteger(channels) || channels < 1)
      throw modelError('MODEL_ERR_BAD_OPTION', `TileBlender: channels: expected an integer >= 1, got ${channels}`, {
        option: 'channels',
      });
    this.sum = new Float64Array(channels * plan.height * plan.width);
    this.weight = new Float64Array(plan.height * plan.width);
    this.seen = new Array<boolean>(plan.tiles.length).fill(false);
  }

  /**
   * Adds one restored tile.
   * @param tileIndex - the tile's index in the plan
   * @param data - [C, tile.height, tile.width]
   * @throws MODEL_ERR_BAD_INPUT for an unknown or repeated tile, or data of the wrong length
   */
  add(tileIndex: number, data: Float32Array): void {
    const tile = this.plan.tiles[tileIndex];
    if (tile === undefined || this.seen[tileIndex])
      throw modelError(
        'MODEL_ERR_BAD_INPUT',
        `TileBlender.add: tileIndex: expected a tile not yet added in [0, ${this.plan.tiles.length - 1}], got ${tileIndex}`,
        { tile: tileIndex },
      );
    const C = this.channels;
    const { height: th, width: tw, weightsY, weightsX } = tile;
    if (data.length !== C * th * tw)
      throw modelError(
        'MODEL_ERR_BAD_INPUT',
        `TileBlender.add: tile ${tileIndex}: expected ${C * th * tw} values (${C}x${th}x${tw}), got ${data.length}`,
        { tile: tileIndex },
      );
    const { height: H, width: W } = this.plan;
    for (let r = 0; r < th; r++) {
      const wy = weightsY[r];
      const row = (tile.y + r) * W + tile.x;
      for (let q = 0; q < tw; q++) this.weight[row + q] += wy * weightsX[q];
      for (let c = 0; c < C; c++) {
        const dst = c * H * W + row;
        const src = (c * th + r) * tw;
        for (let q = 0; q < tw; q++) this.sum[dst + q] += wy * weightsX[q] * data[src + q];
      }
    }
    this.seen[tileIndex] = true;
    this.added++;
  }

  /**
   * The blended frame, once every tile was added.
   * @returns [C, H, W]
   * @throws MODEL_ERR_BAD_INPUT when a tile is missing
   */
  result(): Float32Array {
    if (this.added !== this.plan.tiles.length)
      throw modelError(
        'MODEL_ERR_BAD_INPUT',
        `TileBlender.result: expected ${this.plan.tiles.length} tiles, got ${this.added} (missing tile ${this.seen.indexOf(false)})`,
        { tile: this.seen.indexOf(false) },
      );
    const HW = this.weight.length;
    const out = new Float32Array(this.sum.length);
    for (let i = 0; i < out.length; i++) out[i] = this.sum[i] / this.weight[i % HW];
    return out;
  }
}

/**
 * Blends all tile outputs of one frame at once (see {@link TileBlender}).
 * @param plan - from `planTiles`
 * @param channels - C
 * @param outputs - per tile, in plan order, [C, tile.height, tile.width]
 * @returns [C, H, W]
 * @throws MODEL_ERR_BAD_INPUT when a tile is missing or malformed
 */
export function blendTiles(plan: TilePlan, channels: number, outputs: readonly Float32Array[]): Float32Array {
  if (outputs.length !== plan.tiles.length)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `blendTiles: outputs: expected ${plan.tiles.length} tiles, got ${outputs.length}`,
      {
        input: 'outputs',
      },
    );
  const blender = new TileBlender(plan, channels);
  outputs.forEach((o, i) => blender.add(i, o));
  return blender.result();
}
