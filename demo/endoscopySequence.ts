import { cameraPath } from './endoscopy/cameraPath.js';
import type { FrameMotion } from './endoscopy/FrameMotion.js';
import { mucosaTexture, type MucosaTexture } from './endoscopy/mucosaTexture.js';
import { opticsMap, renderFrame } from './endoscopy/renderFrame.js';
import { checkIntegerArgument, demoError } from './errors.js';
import { deriveSeed } from '../validation/index.js';

/** A synthetic capsule-endoscopy sequence: sharp frames, their motion-blurred versions and the motion used. */
export interface EndoscopySequence {
  /** Interleaved 8-bit RGB frames, size x size x 3, row-major. */
  readonly sharp: Uint8Array[];
  /** Same frames with their linear motion blur (identical to `sharp` where lengthPx = 0). */
  readonly blurred: Uint8Array[];
  readonly motion: FrameMotion[];
}

const MAX_FRAMES = 100000;
const TEXTURE_CACHE = new Map<string, MucosaTexture>();

function textureFor(worldSize: number, seed: number): MucosaTexture {
  const key = `${worldSize}|${seed}`;
  let texture = TEXTURE_CACHE.get(key);
  if (texture === undefined) {
    texture = mucosaTexture(worldSize, deriveSeed(seed, 2));
    if (TEXTURE_CACHE.size >= 4) TEXTURE_CACHE.clear();
    TEXTURE_CACHE.set(key, texture);
  }
  return texture;
}

/**
 * Synthetic small-bowel capsule-endoscopy frames for demos and deblurring tests.
 *
 * 1. A tileable mucosa texture (pink/orange villous surface, folds, vessels, specular highlights) of side
 *    nextPow2(3·size), at least 1024, is built from the seed (cached for repeated calls).
 * 2. A camera travels smoothly over it (1.5-8.5 px per frame, slowly turning), so consecutive frames overlap.
 * 3. Each frame is rendered sharp and with its linear motion blur (0 for ~30% of frames, otherwise 1-15 px along
 *    about the direction of travel), then vignetted and cut by the octagonal PillCam-like field stop.
 * Deterministic: equal (count, size, seed) give byte-identical frames; a longer sequence starts with the frames of
 * a shorter one.
 *
 * @param count - number of frames, 1..100000
 * @param size - frame width = height in pixels, 32..2048 (PillCam SB3: 336)
 * @param seed - safe integer
 * @returns frames and per-frame motion, see {@link EndoscopySequence}
 * @throws DEMO_ERR_BAD_ARGUMENT when an argument is out of range
 * @example const { sharp, blurred, motion } = endoscopyFrames(24); // 24 frames of 336 x 336 RGB
 */
export function endoscopyFrames(count: number, size = 336, seed = 1): EndoscopySequence {
  checkIntegerArgument('endoscopyFrames', 'count', count, 1, MAX_FRAMES);
  checkIntegerArgument('endoscopyFrames', 'size', size, 32, 2048);
  if (!Number.isSafeInteger(seed)) {
    throw demoError('DEMO_ERR_BAD_ARGUMENT', `endoscopyFrames: seed: expected a safe integer, got ${seed}`, {
      argument: 'seed',
    });
  }
  let worldSize = 1024;
  while (worldSize < 3 * size) worldSize *= 2;
  const texture = textureFor(worldSize, seed);
  const optics = opticsMap(size);
  const path = cameraPath(count, worldSize, seed);
  const sharp: Uint8Array[] = [];
  const blurred: Uint8Array[] = [];
  for (let t = 0; t < count; t++) {
    const m = path.motion[t];
    const frame = renderFrame(texture, optics, size, path.x[t], path.y[t], 0, 0);
    sharp.push(frame);
    blurred.push(
      m.lengthPx > 0 ? renderFrame(texture, optics, size, path.x[t], path.y[t], m.lengthPx, m.angleRad) : frame.slice(),
    );
  }
  return { sharp, blurred, motion: path.motion };
}
