import type { HuCanvas, HuValue, PaintOptions } from './HuCanvas.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { ceil, floor, max, min } = Math;

/** Pixel-space bounding box, inclusive. */
interface PixelBox {
  readonly i0: number;
  readonly i1: number;
  readonly j0: number;
  readonly j1: number;
}

/** Bounding box in pixels of the mm box [xMin, xMax] x [yMin, yMax], grown by one pixel and clipped. */
export function pixelBox(canvas: HuCanvas, xMin: number, xMax: number, yMin: number, yMax: number): PixelBox {
  const c = (canvas.size - 1) / 2;
  const p = canvas.pixelMm;
  return {
    j0: max(0, floor(xMin / p + c) - 1),
    j1: min(canvas.size - 1, ceil(xMax / p + c) + 1),
    i0: max(0, floor(yMin / p + c) - 1),
    i1: min(canvas.size - 1, ceil(yMax / p + c) + 1),
  };
}

/**
 * Paints a shape given by a signed distance (mm, negative inside) over a pixel box, with partial-volume coverage
 * α = clamp(1/2 - sd/pixelMm, 0, 1) (a one-pixel linear ramp across the edge) and compositing
 * HU ← HU + α·(value - HU).
 */
export function paintSigned(
  canvas: HuCanvas,
  box: PixelBox,
  signedDistance: (x: number, y: number) => number,
  hu: HuValue,
  options: PaintOptions = {},
): void {
  const { size, pixelMm, data } = canvas;
  const c = (size - 1) / 2;
  const { mask, record, erase } = options;
  for (let i = box.i0; i <= box.i1; i++) {
    const y = (i - c) * pixelMm;
    for (let j = box.j0; j <= box.j1; j++) {
      const x = (j - c) * pixelMm;
      let alpha = 0.5 - signedDistance(x, y) / pixelMm;
      if (alpha <= 0) continue;
      if (alpha > 1) alpha = 1;
      const index = i * size + j;
      if (mask !== undefined) alpha *= mask[index];
      if (alpha <= 0) continue;
      const value = typeof hu === 'number' ? hu : hu(x, y);
      data[index] += alpha * (value - data[index]);
      if (record !== undefined) record[index] += alpha * (1 - record[index]);
      if (erase !== undefined) erase[index] *= 1 - alpha;
    }
  }
}
