import type { OpenCv, OpenCvMat } from '../../models/index.js';
import { checkImage } from './checkInputs.js';
import { validationError } from '../errors.js';

/** OpenCV's Farneback parameters from its optical-flow tutorial: 3-level pyramid, 15 px window, 5-px polynomials. */
export const FARNEBACK = Object.freeze({
  pyrScale: 0.5,
  levels: 3,
  winsize: 15,
  iterations: 3,
  polyN: 5,
  polySigma: 1.2,
});

/** Result of {@link warpingError}. */
export interface WarpingErrorResult {
  /** RMS over pairs: sqrt(mean_k MSE_k), in the frames' units. */
  readonly value: number;
  /** Per adjacent pair k -> k+1: RMS of (o[k] - warp(o[k+1])) over the pixels visible in both frames. */
  readonly pairs: Float64Array;
  /** Fraction of pixels left out as occluded or leaving the frame, per pair. */
  readonly occluded: Float64Array;
}

/**
 * Temporal warping error of a video (Lai et al., "Learning Blind Video Temporal Consistency", ECCV 2018): optical
 * flow is estimated on the guide sequence (the reference in paired mode, the input otherwise) between frames k and
 * k+1 in both directions with OpenCV's Farneback method; output frame k+1 is warped back onto frame k with the
 * forward flow (bilinear `remap`); pixels failing the forward-backward consistency check of Sundaram et al. 2010
 * (|F + B(x+F)|² > 0.01 (|F|² + |B(x+F)|²) + 0.5) or leaving the frame are excluded. Lower is better; the guide's
 * own warping error is the floor a perfectly consistent restoration reaches.
 * @param cv - OpenCV.js (models' `loadOpenCv()`)
 * @param output - K >= 2 frames, single channel (luma), `width x height`, 8-bit range
 * @param guide - K frames the flow is computed on
 * @throws VAL_ERR_EMPTY_INPUT, VAL_ERR_SIZE_MISMATCH
 */
export function warpingError(
  cv: OpenCv,
  output: readonly Float32Array[],
  guide: readonly Float32Array[],
  width: number,
  height: number,
): WarpingErrorResult {
  const fn = 'warpingError';
  if (output.length < 2)
    throw validationError('VAL_ERR_EMPTY_INPUT', `${fn}: expected at least 2 frames, got ${output.length}`, {
      array: 'output',
    });
  if (guide.length !== output.length)
    throw validationError(
      'VAL_ERR_SIZE_MISMATCH',
      `${fn}: guide: expected ${output.length} frames (as output), got ${guide.length}`,
      { array: 'guide' },
    );
  output.forEach((f, k) => checkImage(fn, `output[${k}]`, f, width, height));
  guide.forEach((f, k) => checkImage(fn, `guide[${k}]`, f, width, height));
  const pairs = new Float64Array(output.length - 1);
  const occluded = new Float64Array(output.length - 1);
  let sum = 0;
  for (let k = 0; k + 1 < output.length; k++) {
    const { mse, occ } = pairError(cv, output[k], output[k + 1], guide[k], guide[k + 1], width, height);
    pairs[k] = Math.sqrt(mse);
    occluded[k] = occ;
    sum += mse;
  }
  return { value: Math.sqrt(sum / pairs.length), pairs, occluded };
}

function pairError(
  cv: OpenCv,
  o0: Float32Array,
  o1: Float32Array,
  g0: Float32Array,
  g1: Float32Array,
  w: number,
  h: number,
): { mse: number; occ: number } {
  const mats: OpenCvMat[] = [];
  const mat = (data: Float32Array, type = cv.CV_32FC1): OpenCvMat => {
    const m = cv.matFromArray(h, w, type, data);
    mats.push(m);
    return m;
  };
  const empty = (): OpenCvMat => {
    const m = new cv.Mat();
    mats.push(m);
    return m;
  };
  try {
    const a = mat(g0);
    const b = mat(g1);
    const fwd = empty();
    const bwd = empty();
    const p = FARNEBACK;
    cv.calcOpticalFlowFarneback(a, b, fwd, p.pyrScale, p.levels, p.winsize, p.iterations, p.polyN, p.polySigma, 0);
    cv.calcOpticalFlowFarneback(b, a, bwd, p.pyrScale, p.levels, p.winsize, p.iterations, p.polyN, p.polySigma, 0);
    const F = fwd.data32F;
    const B = bwd.data32F;
    // Sampling positions x + F(x), as remap's two float maps.
    const mapX = new Float32Array(w * h);
    const mapY = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        mapX[i] = x + F[2 * i];
        mapY[i] = y + F[2 * i + 1];
      }
    }
    const mx = mat(mapX);
    const my = mat(mapY);
    const warped = empty();
    cv.remap(mat(o1), warped, mx, my, cv.INTER_LINEAR, cv.BORDER_REPLICATE);
    // The backward flow at x + F(x), sampled the same way, for the consistency check.
    const bx = empty();
    const by = empty();
    const bxs = new Float32Array(w * h);
    const bys = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) {
      bxs[i] = B[2 * i];
      bys[i] = B[2 * i + 1];
    }
    cv.remap(mat(bxs), bx, mx, my, cv.INTER_LINEAR, cv.BORDER_REPLICATE);
    cv.remap(mat(bys), by, mx, my, cv.INTER_LINEAR, cv.BORDER_REPLICATE);
    const W = warped.data32F;
    const BX = bx.data32F;
    const BY = by.data32F;
    let sum = 0;
    let n = 0;
    for (let i = 0; i < w * h; i++) {
      const fx = F[2 * i];
      const fy = F[2 * i + 1];
      if (mapX[i] < 0 || mapX[i] > w - 1 || mapY[i] < 0 || mapY[i] > h - 1) continue;
      const sx = fx + BX[i];
      const sy = fy + BY[i];
      if (sx * sx + sy * sy > 0.01 * (fx * fx + fy * fy + BX[i] * BX[i] + BY[i] * BY[i]) + 0.5) continue;
      const d = o0[i] - W[i];
      sum += d * d;
      n++;
    }
    if (n === 0) return { mse: 0, occ: 1 };
    return { mse: sum / n, occ: 1 - n / (w * h) };
  } finally {
    for (const m of mats) m.delete();
  }
}
