import type { ValidationSeries } from '../../../validation/index.js';

/** Side of the disc phantom, pixels. */
export const PHANTOM_SIZE = 96;

/** A 96x96 disc phantom slice: muscle 40 HU, a fat insert −100 HU, air outside (−1000 HU). */
export function discPhantom(): Float32Array {
  const n = PHANTOM_SIZE;
  const img = new Float32Array(n * n);
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      const r = Math.hypot(x - n / 2, y - n / 2);
      const insert = Math.hypot(x - 60, y - 40) < 9;
      img[y * n + x] = r < 44 ? (insert ? -100 : 40) : -1000;
    }
  return img;
}

/** CT frames as a validation series of 0.7 mm pixels. */
export function phantomSeries(label: string, frames: Float32Array[]): ValidationSeries {
  return {
    label,
    kind: 'ct',
    count: frames.length,
    height: PHANTOM_SIZE,
    width: PHANTOM_SIZE,
    pixelSpacingMm: [0.7, 0.7],
    header: { modality: 'CT', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', samplesPerPixel: 1, acquisition: {} },
    frame: (i) => Promise.resolve(frames[i]),
  };
}
