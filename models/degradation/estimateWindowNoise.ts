/**
 * A window's noise level, the proxy the matched start timestep reads (models/training/gsdiff/noise_level.py computes the
 * same on training crops; the two must agree). Neighbouring frames carry independent noise and correlated anatomy, so
 * d_t = f_t − (f_{t−1} + f_{t+1}) / 2 cancels anatomy that changes linearly along z and has variance 1.5 σ²:
 * σ = 1.4826 · median|d| / sqrt(1.5), over the grey (channel-mean) frames; the median keeps edges (a minority) out,
 * and exact zeros (padding outside the reconstruction circle, clamped air) are left out. A spatial Laplacian estimate
 * was measured to see 4 HU of a 21 HU smooth-kernel CT noise; this one reads 24. Windows of fewer than 3 frames use
 * the spatial operator [[1,−2,1],[−2,4,−2],[1,−2,1]] (norm 6, Immerkær 1996).
 * @param frames k frames in model range, each [3, height, width] channel-planar
 */
export function estimateWindowNoise(frames: readonly Float32Array[], height: number, width: number): number {
  const plane = height * width;
  const grey = frames.map((f) => {
    const g = new Float32Array(plane);
    for (let i = 0; i < plane; i++) g[i] = (f[i] + f[plane + i] + f[2 * plane + i]) / 3;
    return g;
  });
  const abs: number[] = [];
  let norm: number;
  if (grey.length >= 3) {
    norm = Math.sqrt(1.5);
    for (let t = 1; t < grey.length - 1; t++) {
      const [a, b, c] = [grey[t - 1], grey[t], grey[t + 1]];
      for (let i = 0; i < plane; i++) {
        const d = Math.abs(Math.fround(b[i] - Math.fround((a[i] + c[i]) / 2)));
        if (d > 0) abs.push(d);
      }
    }
  } else {
    norm = 6;
    for (const g of grey) {
      for (let y = 1; y < height - 1; y++) {
        for (let x = 1; x < width - 1; x++) {
          const i = y * width + x;
          const r =
            g[i - width - 1] -
            2 * g[i - width] +
            g[i - width + 1] -
            2 * g[i - 1] +
            4 * g[i] -
            2 * g[i + 1] +
            g[i + width - 1] -
            2 * g[i + width] +
            g[i + width + 1];
          if (r !== 0) abs.push(Math.abs(r));
        }
      }
    }
  }
  if (abs.length === 0) return 0;
  return (1.4826 * lowerMedian(abs)) / norm;
}

/** torch.median's convention: the lower of the two middle values for an even count. */
function lowerMedian(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[(sorted.length - 1) >> 1];
}
