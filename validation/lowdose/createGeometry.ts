import { validationError } from '../errors.js';
import type { ParallelBeamGeometry } from './ParallelBeamGeometry.js';

/** Default number of views over 180 degrees. */
export const DEFAULT_VIEW_COUNT = 720;
/** Detector bins added beyond ceil(N·√2·Δ/Δt) so every pixel centre projects at least one bin inside the edge. */
export const DETECTOR_PADDING_BINS = 4;

/** Optional overrides of the default geometry. */
export interface GeometryOptions {
  /** Views over 180 degrees; default {@link DEFAULT_VIEW_COUNT}. */
  readonly viewCount?: number;
  /** Detector pitch in mm; default the pixel size. */
  readonly detectorSpacingMm?: number;
  /** Detector bins; default ceil(N·√2·Δ/Δt) + {@link DETECTOR_PADDING_BINS}. */
  readonly detectorCount?: number;
}

/**
 * Builds a parallel-beam geometry and its per-view cos/sin tables.
 * @param imageSize - N, image side in pixels (integer >= 2)
 * @param pixelSizeMm - Δ, pixel side in mm (> 0)
 * @param options - view count, detector pitch and count overrides
 * @throws VAL_ERR_BAD_GEOMETRY when a value is out of range or the detector span (D-1)·Δt/2 does not reach the
 *   half-diagonal of the pixel centres plus one bin, (N-1)·Δ/√2 + Δt
 * @example const geom = createParallelBeamGeometry(512, 0.7); // 720 views, 729 bins of 0.7 mm
 */
export function createParallelBeamGeometry(
  imageSize: number,
  pixelSizeMm: number,
  options: GeometryOptions = {},
): ParallelBeamGeometry {
  const fail = (field: string, expected: string, got: number): never => {
    throw validationError(
      'VAL_ERR_BAD_GEOMETRY',
      `createParallelBeamGeometry: ${field}: expected ${expected}, got ${got}`,
      { option: field },
    );
  };
  if (!Number.isInteger(imageSize) || imageSize < 2) fail('imageSize', 'an integer >= 2', imageSize);
  if (!(pixelSizeMm > 0) || !Number.isFinite(pixelSizeMm)) fail('pixelSizeMm', 'a finite value > 0', pixelSizeMm);
  const viewCount = options.viewCount ?? DEFAULT_VIEW_COUNT;
  if (!Number.isInteger(viewCount) || viewCount < 1) fail('viewCount', 'an integer >= 1', viewCount);
  const detectorSpacingMm = options.detectorSpacingMm ?? pixelSizeMm;
  if (!(detectorSpacingMm > 0) || !Number.isFinite(detectorSpacingMm)) {
    fail('detectorSpacingMm', 'a finite value > 0', detectorSpacingMm);
  }
  const detectorCount =
    options.detectorCount ??
    Math.ceil((imageSize * Math.SQRT2 * pixelSizeMm) / detectorSpacingMm) + DETECTOR_PADDING_BINS;
  const neededHalfSpan = ((imageSize - 1) * pixelSizeMm) / Math.SQRT2 + detectorSpacingMm;
  if (!Number.isInteger(detectorCount) || ((detectorCount - 1) * detectorSpacingMm) / 2 < neededHalfSpan) {
    fail('detectorCount', `an integer with (D-1)·Δt/2 >= ${neededHalfSpan.toFixed(2)} mm`, detectorCount);
  }
  const cos = new Float64Array(viewCount);
  const sin = new Float64Array(viewCount);
  for (let v = 0; v < viewCount; v++) {
    const theta = (v * Math.PI) / viewCount;
    cos[v] = Math.cos(theta);
    sin[v] = Math.sin(theta);
  }
  return { imageSize, pixelSizeMm, viewCount, detectorCount, detectorSpacingMm, cos, sin };
}
