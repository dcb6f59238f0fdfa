/**
 * BT.601 luma of interleaved RGB bytes, in 8-bit units: colour frames are compared on Y, as video-restoration
 * benchmarks report PSNR/SSIM (chroma errors are reported by none of them and readers judge structure on luma).
 */
export function luma(rgb: Uint8Array, pixels: number): Float32Array {
  const y = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) y[i] = 0.299 * rgb[3 * i] + 0.587 * rgb[3 * i + 1] + 0.114 * rgb[3 * i + 2];
  return y;
}
