import type { HuWindow } from '../metrics/index.js';
import { panelsPng } from '../report/panelsPng.js';

/**
 * Greyscale images side by side at one display window (each W x H, 4 px black gaps), as PNG bytes: the picture a
 * reader compares in docs/RESULTS.md.
 */
export function pngStrip(images: readonly Float32Array[], width: number, height: number, win: HuWindow): Buffer {
  return panelsPng(
    images.map((values) => ({ kind: 'grey', values, window: win })),
    width,
    height,
  );
}
