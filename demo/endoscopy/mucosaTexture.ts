import { createRng, type Rng } from '../../validation/index.js';
import { periodicFractalNoise, periodicValueNoise } from './periodicNoise.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { PI, ceil, cos, exp, floor, hypot, max, min, pow, round, sin } = Math;

/** A tileable RGB texture (linear 0..1 floats, interleaved) the capsule camera travels over. */
export interface MucosaTexture {
  readonly size: number;
  readonly rgb: Float32Array;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = min(1, max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/**
 * Villus height map: one Gaussian bump (σ 1.1-1.7 px) per cell of a 4 px lattice, jittered within its cell,
 * combined by max so neighbours stay distinct; wrapped on the torus, values 0..1.
 */
function villusMap(size: number, rng: Rng): Float32Array {
  const map = new Float32Array(size * size);
  const spacing = 4;
  for (let cy = 0; cy < size; cy += spacing) {
    for (let cx = 0; cx < size; cx += spacing) {
      const x = cx + spacing * rng.uniform();
      const y = cy + spacing * rng.uniform();
      const sigma = 1.1 + 0.6 * rng.uniform();
      const peak = 0.6 + 0.4 * rng.uniform();
      for (let oy = -4; oy <= 4; oy++) {
        for (let ox = -4; ox <= 4; ox++) {
          const px = floor(x) + ox;
          const py = floor(y) + oy;
          const d2 = (px - x) * (px - x) + (py - y) * (py - y);
          const value = peak * exp(-d2 / (2 * sigma * sigma));
          const index = (((py % size) + size) % size) * size + (((px % size) + size) % size);
          if (value > map[index]) map[index] = value;
        }
      }
    }
  }
  return map;
}

/** Dark vessel map: a few smooth random walks with a Gaussian cross-profile, wrapped on the torus, values 0..1. */
function vesselMap(size: number, rng: Rng): Float32Array {
  const map = new Float32Array(size * size);
  const count = round((10 * size * size) / (1024 * 1024)) + 4;
  for (let v = 0; v < count; v++) {
    let x = rng.uniform() * size;
    let y = rng.uniform() * size;
    const mainHeading = rng.uniform() * 2 * PI;
    let heading = mainHeading;
    let turn = 0;
    const steps = 150 + floor(rng.uniform() * 350);
    const width = 0.7 + 0.9 * rng.uniform();
    for (let s = 0; s < steps; s++) {
      // meandering but mean-reverting heading, so vessels wander without curling up
      turn = 0.9 * turn + 0.015 * rng.normal();
      heading += turn - 0.03 * (heading - mainHeading);
      x += cos(heading);
      y += sin(heading);
      const w = width * (1 - (0.6 * s) / steps);
      const reach = ceil(2.5 * w);
      for (let oy = -reach; oy <= reach; oy++) {
        for (let ox = -reach; ox <= reach; ox++) {
          const px = floor(x) + ox;
          const py = floor(y) + oy;
          const d2 = (px - x) * (px - x) + (py - y) * (py - y);
          const value = exp(-d2 / (2 * w * w));
          const index = (((py % size) + size) % size) * size + (((px % size) + size) % size);
          if (value > map[index]) map[index] = value;
        }
      }
    }
  }
  return map;
}

/**
 * Builds a small-bowel mucosa texture:
 * - height h = folds + villi: folds are warped sinusoidal ridges p(u) = ((1 + sin u)/2)³ across an integer wave
 *   vector (tileable), u warped by low-frequency noise; villi are Gaussian bumps on a jittered 4 px lattice;
 * - Lambert shading from the height gradient (light near the camera axis) times an occlusion term darkening the
 *   valleys between folds;
 * - base colour mixing pink and orange by low-frequency noise, with occasional yellow (bile) patches;
 * - darker reddish vessels; small white specular highlights on fold crests and villus tips.
 * @param size - side of the torus, a power of two >= 256
 * @param seed - texture seed
 */
export function mucosaTexture(size: number, seed: number): MucosaTexture {
  const rng = createRng(seed);
  const warp = periodicFractalNoise(
    size,
    [
      { cell: 128, weight: 1 },
      { cell: 64, weight: 0.4 },
    ],
    rng,
  );
  const villi = villusMap(size, rng);
  const grain = periodicValueNoise(size, 2, rng);
  const hue = periodicFractalNoise(
    size,
    [
      { cell: 256, weight: 0.7 },
      { cell: 64, weight: 0.3 },
    ],
    rng,
  );
  const bile = periodicFractalNoise(
    size,
    [
      { cell: 128, weight: 0.6 },
      { cell: 64, weight: 0.3 },
      { cell: 32, weight: 0.1 },
    ],
    rng,
  );
  const sparkle = periodicValueNoise(size, 16, rng);
  const vessels = vesselMap(size, rng);

  // fold wave: integer wave vector so the ridges tile; wavelength ≈ size / |k|
  const kx = 9 + floor(rng.uniform() * 4);
  const ky = 2 + floor(rng.uniform() * 4);
  const wavelength = size / hypot(kx, ky);
  const height = new Float32Array(size * size);
  const fold = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const u = (2 * PI * (kx * x + ky * y)) / size + (2 * PI * 0.6 * warp[i] * 40) / wavelength;
      const ridge = pow(0.5 + 0.5 * sin(u), 3);
      fold[i] = ridge;
      height[i] = 16 * ridge + 1.6 * villi[i] + 0.3 * grain[i];
    }
  }

  const rgb = new Float32Array(size * size * 3);
  const light = [0.25, -0.3, 0.92];
  for (let y = 0; y < size; y++) {
    const ym = ((y - 1 + size) % size) * size;
    const yp = ((y + 1) % size) * size;
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const xm = (x - 1 + size) % size;
      const xp = (x + 1) % size;
      const gx = (height[y * size + xp] - height[y * size + xm]) / 2;
      const gy = (height[yp + x] - height[ym + x]) / 2;
      const norm = hypot(gx, gy, 1);
      const diffuse = max(0, (-gx * light[0] - gy * light[1] + light[2]) / norm);
      const occlusion = 0.7 + 0.3 * fold[i];
      const shade = (0.3 + 0.75 * diffuse) * occlusion * (0.92 + 0.16 * villi[i]);

      const t = 0.5 + 0.5 * hue[i];
      let r = 0.98 + 0.02 * t;
      let g = 0.5 + 0.16 * t;
      let b = 0.4 - 0.14 * t;
      const yellow = 0.6 * smoothstep(0.25, 0.65, bile[i]);
      r += yellow * (0.82 - r);
      g += yellow * (0.7 - g);
      b += yellow * (0.28 - b);
      const vessel = vessels[i] * 0.45;
      r *= 1 - 0.35 * vessel;
      g *= 1 - 0.85 * vessel;
      b *= 1 - 0.6 * vessel;

      const spec =
        smoothstep(0.85, 0.98, fold[i]) * smoothstep(0.5, 0.9, villi[i]) * smoothstep(0.0, 0.4, sparkle[i]) +
        0.8 * smoothstep(0.75, 0.95, villi[i]) * smoothstep(0.45, 0.75, sparkle[i]);
      const s = min(1, spec);
      rgb[3 * i] = r * shade * (1 - s) + 1.15 * s;
      rgb[3 * i + 1] = g * shade * (1 - s) + 1.12 * s;
      rgb[3 * i + 2] = b * shade * (1 - s) + 1.05 * s;
    }
  }
  return { size, rgb };
}
