/**
 * Mean over the (2r + 1)² box around every pixel of an H x W image, the box clipped to the image (so borders
 * average fewer pixels rather than assume values outside). Summed-area table in float64: O(H·W) for any radius.
 * A box holding only zeros gives exactly 0.
 * @param img - H x W row-major
 * @param H - height
 * @param W - width
 * @param r - box radius, an integer >= 0
 * @returns H x W means
 */
export function boxMean(img: ArrayLike<number>, H: number, W: number, r: number): Float64Array {
  const W1 = W + 1;
  const sat = new Float64Array((H + 1) * W1);
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      row += img[y * W + x];
      sat[(y + 1) * W1 + x + 1] = sat[y * W1 + x + 1] + row;
    }
  }
  const out = new Float64Array(H * W);
  for (let y = 0; y < H; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(H, y + r + 1);
    for (let x = 0; x < W; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(W, x + r + 1);
      const sum = sat[y1 * W1 + x1] - sat[y0 * W1 + x1] - sat[y1 * W1 + x0] + sat[y0 * W1 + x0];
      out[y * W + x] = sum === 0 ? 0 : sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}
