import { boxMean } from './boxMean.js';
import { AIR_TILE, isAirTile } from './isAirTile.js';
import type { TilePlan } from './planTiles.js';

/**
 * Where the restoration fades out in the air outside the patient. A pixel is outside air when the mean of the
 * (2·meanRadius + 1)² box around it is below AIR_TILE's -950 HU and it is connected through such pixels to an air
 * tile; the change is then faded by a box blur of that mask over fadeRadius. With fadeRadius < meanRadius no pixel
 * whose box touches tissue loses any of its restoration: the fade ends in air, a few pixels outside the skin.
 */
export const AIR_FADE = Object.freeze({ meanRadius: 8, fadeRadius: 6 });

/**
 * Per pixel, how much of the restoration's change to keep (1 everywhere but in and next to the air outside the
 * patient, 0 deep in it). Air tiles are passed through unchanged while their restored neighbours denoise the air
 * they hold, so a difference view showed the tile grid as a hard edge between noise texture and nothing; feathering
 * over the tile overlap cannot hide a jump of the whole noise level. Fading every tile's change by the same
 * pixel map makes air outside the patient unchanged wherever it lies, restored tile or not, and moves the
 * transition from the tile grid to a smooth ramp along the body outline.
 * @param hu - the original frame in HU, H x W
 * @param plan - the frame's tile plan (which tiles are air seeds the region)
 * @returns H x W weights in [0, 1], or undefined when the frame has no air tile (then nothing changes)
 */
export function outsideAirWeights(hu: Float32Array, plan: TilePlan): Float32Array | undefined {
  const { height: H, width: W } = plan;
  const seeds = plan.tiles.filter((t) => isAirTile(hu, W, t));
  if (seeds.length === 0) return undefined;
  const local = boxMean(hu, H, W, AIR_FADE.meanRadius);
  const outside = new Uint8Array(H * W);
  const stack: number[] = [];
  const visit = (i: number): void => {
    if (outside[i] === 0 && local[i] < AIR_TILE.meanBelowHu) {
      outside[i] = 1;
      stack.push(i);
    }
  };
  for (const t of seeds)
    for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) visit(y * W + x);
  // Flood fill: air inside the body (trachea, bowel gas) is not connected to an air tile and keeps its restoration.
  while (stack.length > 0) {
    const i = stack.pop() as number;
    const x = i % W;
    if (x > 0) visit(i - 1);
    if (x < W - 1) visit(i + 1);
    if (i >= W) visit(i - W);
    if (i < (H - 1) * W) visit(i + W);
  }
  const fade = boxMean(outside, H, W, AIR_FADE.fadeRadius);
  return Float32Array.from(fade, (f) => 1 - f);
}
