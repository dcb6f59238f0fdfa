import { createRng, deriveSeed } from '../../validation/index.js';
import type { FrameMotion } from './FrameMotion.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { PI, atan2, cos, pow, sin } = Math;

/** Longest simulated blur, pixels. */
export const MAX_BLUR_PX = 15;
/** Share of frames with no blur at all. */
const SHARP_SHARE = 0.3;

/** Camera positions (world pixels) and motion of every frame. */
export interface CameraPath {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly motion: FrameMotion[];
}

/**
 * Smooth camera travel plus per-frame blur.
 * Heading θ_t = θ0 + 1.2·sin(0.07t + φ1) + 0.6·sin(0.19t + φ2), speed s_t = 5 + 3.5·sin(0.11t + φ3) px/frame
 * (1.5 to 8.5), position p_t = p_{t-1} + s_t·(cos θ_t, sin θ_t). Blur: with probability 0.3 none, otherwise
 * length 1 + 14·v^1.3 (v uniform, so 1..15 px, weighted to short blurs), direction θ_t + N(0, 0.3²) wrapped to (-π, π].
 * @param count - number of frames
 * @param worldSize - texture side, for the random start position
 * @param seed - sequence seed; sub-streams 0 (path) and 1 (blur) are derived from it
 */
export function cameraPath(count: number, worldSize: number, seed: number): CameraPath {
  const pathRng = createRng(deriveSeed(seed, 0));
  const blurRng = createRng(deriveSeed(seed, 1));
  const theta0 = 2 * PI * pathRng.uniform();
  const [phi1, phi2, phi3] = [0, 0, 0].map(() => 2 * PI * pathRng.uniform());
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const motion: FrameMotion[] = [];
  x[0] = pathRng.uniform() * worldSize;
  y[0] = pathRng.uniform() * worldSize;
  for (let t = 0; t < count; t++) {
    const heading = theta0 + 1.2 * sin(0.07 * t + phi1) + 0.6 * sin(0.19 * t + phi2);
    const speed = 5 + 3.5 * sin(0.11 * t + phi3);
    const dx = t === 0 ? 0 : speed * cos(heading);
    const dy = t === 0 ? 0 : speed * sin(heading);
    if (t > 0) {
      x[t] = x[t - 1] + dx;
      y[t] = y[t - 1] + dy;
    }
    const sharp = blurRng.uniform() < SHARP_SHARE;
    const v = blurRng.uniform();
    const jitter = blurRng.normal();
    const lengthPx = sharp ? 0 : 1 + (MAX_BLUR_PX - 1) * pow(v, 1.3);
    const angle = heading + 0.3 * jitter;
    motion.push({ dx, dy, lengthPx, angleRad: atan2(sin(angle), cos(angle)) });
  }
  return { x, y, motion };
}
