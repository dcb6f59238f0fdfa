import { checkLength } from './checkLength.js';
import type { ParallelBeamGeometry } from './ParallelBeamGeometry.js';

/** Image rows processed together, so the block stays in cache while all views sweep over it. */
const ROW_BLOCK = 16;

/**
 * Pixel-driven backprojection with linear interpolation between detector bins (the standard FBP backprojector,
 * Kak & Slaney 1988, "Principles of Computerized Tomographic Imaging", ch. 3, eq. 3.63 without the π/V factor):
 *   b(x, y) = Σ_v q(θ_v, x·cosθ_v + y·sinθ_v).
 * The geometry guarantees every pixel centre projects inside [1, D-2] bins, so no bounds test is needed.
 * @param sinogram - row-major views x detectors (usually ramp-filtered)
 * @param geom - acquisition geometry
 * @returns N x N row-major image (unscaled sum over views)
 * @throws VAL_ERR_SIZE_MISMATCH when sinogram.length !== V·D
 */
export function backproject(sinogram: Float32Array, geom: ParallelBeamGeometry): Float32Array {
  const n = geom.imageSize;
  const nd = geom.detectorCount;
  checkLength('backproject', 'sinogram', sinogram, geom.viewCount * nd);
  const image = new Float32Array(n * n);
  const c = (n - 1) / 2;
  const tc = (nd - 1) / 2;
  const scale = geom.pixelSizeMm / geom.detectorSpacingMm;
  for (let rowStart = 0; rowStart < n; rowStart += ROW_BLOCK) {
    const rowEnd = Math.min(n, rowStart + ROW_BLOCK);
    for (let v = 0; v < geom.viewCount; v++) {
      const cs = geom.cos[v];
      const sn = geom.sin[v];
      const base = v * nd;
      const step = cs * scale;
      for (let i = rowStart; i < rowEnd; i++) {
        // detector coordinate of pixel (i, 0): τ = (x·cosθ + y·sinθ)/Δt + tc, always >= 1
        let tau = (-c * cs + (i - c) * sn) * scale + tc;
        const rowBase = i * n;
        for (let j = 0; j < n; j++, tau += step) {
          const k = tau | 0;
          const left = sinogram[base + k];
          image[rowBase + j] += left + (tau - k) * (sinogram[base + k + 1] - left);
        }
      }
    }
  }
  return image;
}
