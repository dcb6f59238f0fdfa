/**
 * Bilinear interpolation of a row-major width x height image at (x, y) (pixel centres at integers). The caller keeps
 * (x, y) inside [0, width - 1] x [0, height - 1]; no bounds check here (inner loop).
 */
export function bilinear(image: Float32Array, width: number, height: number, x: number, y: number): number {
  const x0 = Math.min(Math.floor(x), width - 2);
  const y0 = Math.min(Math.floor(y), height - 2);
  const fx = x - x0;
  const fy = y - y0;
  const i = y0 * width + x0;
  const top = image[i] + fx * (image[i + 1] - image[i]);
  const bottom = image[i + width] + fx * (image[i + width + 1] - image[i + width]);
  return top + fy * (bottom - top);
}
