import { backproject } from './backproject.js';
import type { ParallelBeamGeometry } from './ParallelBeamGeometry.js';
import { filterSinogram, type RampFilterOptions } from './rampFilter.js';

/**
 * Filtered back projection for parallel beams over 180 degrees (Kak & Slaney 1988, ch. 3, eq. 3.63):
 *   f(x, y) ≈ (π/V) Σ_v q_v(x·cosθ_v + y·sinθ_v),   q_v = Δt · (h ⊛ p_v),
 * with h the band-limited Ram-Lak kernel (optionally apodized, see `rampResponse`) and linear interpolation between
 * bins. Scaling is absolute: for p = forwardProject(μ) in mm^-1·mm, the result is μ in mm^-1.
 * @param sinogram - line integrals, row-major views x detectors
 * @param geom - acquisition geometry
 * @param options - ramp window (default 'ram-lak') and cutoff (default 1 = Nyquist)
 * @returns N x N row-major image
 * @throws VAL_ERR_SIZE_MISMATCH when sinogram.length !== V·D
 * @throws VAL_ERR_BAD_OPTION on an unknown window or a cutoff outside (0, 1]
 * @example const mu = fbp(forwardProject(mu0, geom), geom, { window: 'hann' });
 */
export function fbp(sinogram: Float32Array, geom: ParallelBeamGeometry, options: RampFilterOptions = {}): Float32Array {
  const image = backproject(filterSinogram(sinogram, geom, options), geom);
  const scale = Math.PI / geom.viewCount;
  for (let i = 0; i < image.length; i++) image[i] *= scale;
  return image;
}
