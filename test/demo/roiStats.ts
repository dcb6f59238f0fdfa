import type { PhantomRoi } from '../../demo/index.js';

/** Pixel values of a size x size image inside a circular ROI. */
export function roiValues(image: Float32Array, size: number, roi: PhantomRoi): number[] {
  const values: number[] = [];
  for (let i = Math.floor(roi.row - roi.radiusPx); i <= Math.ceil(roi.row + roi.radiusPx); i++) {
    for (let j = Math.floor(roi.col - roi.radiusPx); j <= Math.ceil(roi.col + roi.radiusPx); j++) {
      if ((i - roi.row) ** 2 + (j - roi.col) ** 2 <= roi.radiusPx ** 2) values.push(image[i * size + j]);
    }
  }
  return values;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
