/** Synthetic images shared by the validation/metrics tests (seeded, so every run sees the same values). */
import { createRng } from '../../../validation/index.js';

/** width x height image of independent N(mean, sd²) values. */
export function gaussianNoise(width: number, height: number, sd: number, seed: number, mean = 0): Float32Array {
  const rng = createRng(seed);
  const image = new Float32Array(width * height);
  for (let i = 0; i < image.length; i++) image[i] = mean + sd * rng.normal();
  return image;
}

/** width x height image of independent uniform values in [low, high). */
export function uniformImage(width: number, height: number, low: number, high: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const image = new Float32Array(width * height);
  for (let i = 0; i < image.length; i++) image[i] = low + (high - low) * rng.uniform();
  return image;
}

/** Element-wise a + b. */
export function add(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((v, i) => v + b[i]);
}
