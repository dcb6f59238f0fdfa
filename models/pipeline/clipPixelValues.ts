/** OpenAI CLIP normalisation constants (the CLIPImageProcessor defaults). */
export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/**
 * A model-range frame [3, H, W] (values in [-1, 1]) to CLIP `pixel_values` [3, R, R]: bilinear resize with
 * half-pixel centres (torch `interpolate(mode='bilinear', align_corners=False)`), [-1,1] -> [0,1], then CLIP
 * mean/std per channel. The whole frame is resized (no crop) so no part of the anatomy is dropped.
 */
export function clipPixelValues(frame: Float32Array, height: number, width: number, size: number): Float32Array {
  const out = new Float32Array(3 * size * size);
  const sy = height / size;
  const sx = width / size;
  for (let c = 0; c < 3; c++) {
    const plane = c * height * width;
    for (let y = 0; y < size; y++) {
      const fy = Math.max(0, (y + 0.5) * sy - 0.5);
      const y0 = Math.min(height - 1, Math.floor(fy));
      const y1 = Math.min(height - 1, y0 + 1);
      const wy = fy - y0;
      for (let x = 0; x < size; x++) {
        const fx = Math.max(0, (x + 0.5) * sx - 0.5);
        const x0 = Math.min(width - 1, Math.floor(fx));
        const x1 = Math.min(width - 1, x0 + 1);
        const wx = fx - x0;
        const v =
          (1 - wy) * ((1 - wx) * frame[plane + y0 * width + x0] + wx * frame[plane + y0 * width + x1]) +
          wy * ((1 - wx) * frame[plane + y1 * width + x0] + wx * frame[plane + y1 * width + x1]);
        out[c * size * size + y * size + x] = ((v + 1) / 2 - CLIP_MEAN[c]) / CLIP_STD[c];
      }
    }
  }
  return out;
}
