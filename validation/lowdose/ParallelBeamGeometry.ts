/**
 * Parallel-beam acquisition geometry over 180 degrees, shared by the projector, the backprojector and FBP.
 *
 * Image: N x N pixels of side `pixelSizeMm`; pixel (row i, column j) has its centre at
 * x = (j - (N-1)/2)·Δ, y = (i - (N-1)/2)·Δ (mm), stored row-major at index i·N + j.
 * Views: θ_v = v·π/V, v = 0..V-1. Detector bin k has its centre at t_k = (k - (D-1)/2)·Δt (mm).
 * Ray (θ, t) is the line x·cosθ + y·sinθ = t. Sinograms are row-major views x detectors, index v·D + k.
 */
export interface ParallelBeamGeometry {
  /** N, image width = height in pixels. */
  readonly imageSize: number;
  /** Δ, pixel side in mm. */
  readonly pixelSizeMm: number;
  /** V, number of views over [0, π). */
  readonly viewCount: number;
  /** D, number of detector bins. */
  readonly detectorCount: number;
  /** Δt, detector bin pitch in mm. */
  readonly detectorSpacingMm: number;
  /** cos θ_v per view. */
  readonly cos: Float64Array;
  /** sin θ_v per view. */
  readonly sin: Float64Array;
}
