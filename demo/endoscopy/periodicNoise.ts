import type { Rng } from '../../validation/index.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { floor } = Math;

/**
 * Tileable value noise on a worldSize x worldSize torus: random lattice values every `cell` pixels (cell divides
 * worldSize), blended with the quintic fade 6t⁵ - 15t⁴ + 10t³ (Perlin 2002), values in [-1, 1].
 * Tileable so a camera can travel indefinitely over the texture without a seam.
 * @param worldSize - side of the torus in pixels, a multiple of cell
 * @param cell - lattice spacing in pixels
 * @param rng - seeded generator (consumes (worldSize/cell)² uniforms)
 * @returns worldSize² row-major values
 */
export function periodicValueNoise(worldSize: number, cell: number, rng: Rng): Float32Array {
  const lattice = worldSize / cell;
  const values = new Float32Array(lattice * lattice);
  for (let k = 0; k < values.length; k++) values[k] = 2 * rng.uniform() - 1;
  const fade = new Float32Array(cell);
  for (let s = 0; s < cell; s++) {
    const t = s / cell;
    fade[s] = t * t * t * (t * (t * 6 - 15) + 10);
  }
  const out = new Float32Array(worldSize * worldSize);
  for (let y = 0; y < worldSize; y++) {
    const gy = floor(y / cell);
    const fy = fade[y - gy * cell];
    const row0 = gy * lattice;
    const row1 = ((gy + 1) % lattice) * lattice;
    for (let x = 0; x < worldSize; x++) {
      const gx = floor(x / cell);
      const fx = fade[x - gx * cell];
      const gx1 = (gx + 1) % lattice;
      const top = values[row0 + gx] + fx * (values[row0 + gx1] - values[row0 + gx]);
      const bottom = values[row1 + gx] + fx * (values[row1 + gx1] - values[row1 + gx]);
      out[y * worldSize + x] = top + fy * (bottom - top);
    }
  }
  return out;
}

/** Weighted sum of periodic value-noise octaves: Σ w_k · noise(cell_k). */
export function periodicFractalNoise(
  worldSize: number,
  octaves: readonly { readonly cell: number; readonly weight: number }[],
  rng: Rng,
): Float32Array {
  const out = new Float32Array(worldSize * worldSize);
  for (const { cell, weight } of octaves) {
    const layer = periodicValueNoise(worldSize, cell, rng);
    for (let i = 0; i < out.length; i++) out[i] += weight * layer[i];
  }
  return out;
}
