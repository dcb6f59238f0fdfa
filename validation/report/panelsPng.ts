import { PNG } from 'pngjs';
import type { HuWindow } from '../metrics/index.js';

/** One picture of a strip: greyscale values shown through a window, or interleaved RGB bytes shown as they are. */
export type Panel =
  | { readonly kind: 'grey'; readonly values: Float32Array; readonly window: HuWindow }
  | { readonly kind: 'rgb'; readonly values: Uint8Array };

/**
 * Panels of one size side by side (4 px black gaps) as PNG bytes: the strips readers compare (input | outputs |
 * reference | difference) in reports and docs.
 */
export function panelsPng(panels: readonly Panel[], width: number, height: number): Buffer {
  const gap = 4;
  const total = panels.length * width + Math.max(0, panels.length - 1) * gap;
  const png = new PNG({ width: total, height });
  png.data.fill(0);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  panels.forEach((p, k) => {
    const x0 = k * (width + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const o = (y * total + x0 + x) * 4;
        if (p.kind === 'rgb') {
          png.data[o] = p.values[3 * i];
          png.data[o + 1] = p.values[3 * i + 1];
          png.data[o + 2] = p.values[3 * i + 2];
        } else {
          const v = Math.round(((p.values[i] - p.window.low) / (p.window.high - p.window.low)) * 255);
          const g = v < 0 ? 0 : v > 255 ? 255 : v;
          png.data[o] = g;
          png.data[o + 1] = g;
          png.data[o + 2] = g;
        }
      }
    }
  });
  return PNG.sync.write(png);
}
