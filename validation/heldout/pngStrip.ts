import { PNG } from 'pngjs';
import type { HuWindow } from '../metrics/index.js';

/**
 * Greyscale images side by side at one display window (each W x H, 4 px black gaps), as PNG bytes: the picture a
 * reader compares in docs/RESULTS.md.
 */
export function pngStrip(images: readonly Float32Array[], width: number, height: number, win: HuWindow): Buffer {
  const gap = 4;
  const total = images.length * width + (images.length - 1) * gap;
  const png = new PNG({ width: total, height });
  png.data.fill(0);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < total; x++) png.data[(y * total + x) * 4 + 3] = 255;
  }
  images.forEach((img, k) => {
    const x0 = k * (width + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const v = Math.round(((img[y * width + x] - win.low) / (win.high - win.low)) * 255);
        const g = v < 0 ? 0 : v > 255 ? 255 : v;
        const o = (y * total + x0 + x) * 4;
        png.data[o] = g;
        png.data[o + 1] = g;
        png.data[o + 2] = g;
      }
    }
  });
  return PNG.sync.write(png);
}
