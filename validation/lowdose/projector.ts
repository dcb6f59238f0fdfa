import { checkLength } from './checkLength.js';
import type { ParallelBeamGeometry } from './ParallelBeamGeometry.js';

// Math members bound once: global lookups are slow inside Jest's vm contexts, and this code is hot.
const { abs, ceil, floor, max, min } = Math;

/*
 * Joseph's method (P. M. Joseph 1982, "An improved algorithm for reprojecting rays through pixel images",
 * IEEE TMI 1(3):192-196). For ray x·cosθ + y·sinθ = t, step one pixel at a time along the axis the ray is closer
 * to (rows when |cosθ| >= |sinθ|, columns otherwise), interpolate linearly between the two pixels straddling the
 * ray on that row/column (zero outside the image), and weight the sum by the path length per step Δ/|cosθ| (resp.
 * Δ/|sinθ|):
 *   p(θ, t) ≈ Δ/|cosθ| · Σ_i f(i, u_i),   u_i = (t/Δ - (i - c)·sinθ)/cosθ + c,   c = (N-1)/2.
 * Compared with pixel-driven forward projection it has no moiré from uneven pixel-to-bin splatting.
 *
 * Both orientations run the same row sweep: the column case reads a transposed copy. The copies carry a zero
 * border (1 column left, 2 right, 1 row above and below) so the sweep needs no bounds test per sample.
 */

interface PaddedImages {
  readonly stride: number;
  readonly rowMajor: Float32Array;
  readonly transposed: Float32Array;
}

function padImage(image: Float32Array, n: number): PaddedImages {
  const stride = n + 3;
  const rowMajor = new Float32Array((n + 2) * stride);
  const transposed = new Float32Array((n + 2) * stride);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = image[i * n + j];
      rowMajor[(i + 1) * stride + j + 1] = value;
      transposed[(j + 1) * stride + i + 1] = value;
    }
  }
  return { stride, rowMajor, transposed };
}

/** Rows i in [0, n-1] whose interpolation position a + b·i lies in (-1, n); returns [first, last] (empty if first > last). */
function sweepRange(a: number, b: number, n: number): [number, number] {
  if (b > 1e-12) return [max(0, floor((-1 - a) / b) + 1), min(n - 1, ceil((n - a) / b) - 1)];
  if (b < -1e-12) return [max(0, floor((n - a) / b) + 1), min(n - 1, ceil((-1 - a) / b) - 1)];
  return a > -1 && a < n ? [0, n - 1] : [1, 0];
}

/** Per-view constants of the sweep: u = a0 + t·aPerT + b·i, weight = path length per step. */
interface ViewSweep {
  readonly transposed: boolean;
  readonly a0: number;
  readonly aPerBin: number;
  readonly b: number;
  readonly weight: number;
}

function viewSweep(geom: ParallelBeamGeometry, v: number): ViewSweep {
  const cs = geom.cos[v];
  const sn = geom.sin[v];
  const transposed = abs(cs) < abs(sn);
  const along = transposed ? sn : cs;
  const across = transposed ? cs : sn;
  const c = (geom.imageSize - 1) / 2;
  const tc = (geom.detectorCount - 1) / 2;
  const binInPixels = geom.detectorSpacingMm / geom.pixelSizeMm;
  // u(k, i) = (t_k/Δ + c·across)/along + c - (across/along)·i with t_k/Δ = (k - tc)·Δt/Δ
  return {
    transposed,
    a0: (-tc * binInPixels + c * across) / along + c,
    aPerBin: binInPixels / along,
    b: -across / along,
    weight: geom.pixelSizeMm / abs(along),
  };
}

/**
 * Forward projection (line integrals) by Joseph's method.
 * p(θ_v, t_k) = ∫ f(t·cosθ - s·sinθ, t·sinθ + s·cosθ) ds, in image units × mm (mm^-1 in, dimensionless out).
 * @param image - N x N row-major image, N = geom.imageSize
 * @param geom - acquisition geometry
 * @returns sinogram, row-major views x detectors
 * @throws VAL_ERR_SIZE_MISMATCH when image.length !== N²
 * @example const p = forwardProject(mu, createParallelBeamGeometry(512, 0.7));
 */
export function forwardProject(image: Float32Array, geom: ParallelBeamGeometry): Float32Array {
  const n = geom.imageSize;
  const nd = geom.detectorCount;
  checkLength('forwardProject', 'image', image, n * n);
  const { stride, rowMajor, transposed } = padImage(image, n);
  const sinogram = new Float32Array(geom.viewCount * nd);
  for (let v = 0; v < geom.viewCount; v++) {
    const sweep = viewSweep(geom, v);
    const source = sweep.transposed ? transposed : rowMajor;
    const b = sweep.b;
    for (let k = 0; k < nd; k++) {
      const a = sweep.a0 + k * sweep.aPerBin;
      const [first, last] = sweepRange(a, b, n);
      let sum = 0;
      // position in the padded row is u + 1 >= 0, so truncation (| 0) is floor
      let up = a + 1 + b * first;
      for (let i = first, row = (first + 1) * stride; i <= last; i++, row += stride, up += b) {
        const j = up | 0;
        const frac = up - j;
        const left = source[row + j];
        sum += left + frac * (source[row + j + 1] - left);
      }
      sinogram[v * nd + k] = sum * sweep.weight;
    }
  }
  return sinogram;
}

/**
 * Exact adjoint (transpose) of {@link forwardProject}: <forwardProject(f), g> = <f, projectAdjoint(g)> up to float
 * rounding. Use it for iterative reconstruction and gradient checks; FBP uses the pixel-driven `backproject`.
 * @param sinogram - row-major views x detectors
 * @param geom - acquisition geometry
 * @returns N x N row-major image
 * @throws VAL_ERR_SIZE_MISMATCH when sinogram.length !== V·D
 */
export function projectAdjoint(sinogram: Float32Array, geom: ParallelBeamGeometry): Float32Array {
  const n = geom.imageSize;
  const nd = geom.detectorCount;
  checkLength('projectAdjoint', 'sinogram', sinogram, geom.viewCount * nd);
  const stride = n + 3;
  const rowAcc = new Float64Array((n + 2) * stride);
  const transposedAcc = new Float64Array((n + 2) * stride);
  for (let v = 0; v < geom.viewCount; v++) {
    const sweep = viewSweep(geom, v);
    const target = sweep.transposed ? transposedAcc : rowAcc;
    const b = sweep.b;
    for (let k = 0; k < nd; k++) {
      const value = sinogram[v * nd + k] * sweep.weight;
      if (value === 0) continue;
      const a = sweep.a0 + k * sweep.aPerBin;
      const [first, last] = sweepRange(a, b, n);
      let up = a + 1 + b * first;
      for (let i = first, row = (first + 1) * stride; i <= last; i++, row += stride, up += b) {
        const j = up | 0;
        const frac = up - j;
        target[row + j] += value * (1 - frac);
        target[row + j + 1] += value * frac;
      }
    }
  }
  const image = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      image[i * n + j] = rowAcc[(i + 1) * stride + j + 1] + transposedAcc[(j + 1) * stride + i + 1];
    }
  }
  return image;
}
