import { validationError } from '../errors.js';

const { sqrt } = Math;

/** Background removed from each NPS ROI: its mean, a least-squares plane, or a second-order polynomial surface. */
export type DetrendMode = 'mean' | 'plane' | 'poly2';

const TERMS: Record<DetrendMode, number> = { mean: 1, plane: 3, poly2: 6 };
const BASIS_CACHE = new Map<string, readonly Float64Array[]>();

/**
 * Orthonormal basis (over the width x height pixel grid) of the polynomials of a detrend mode: monomials 1, u, v, u²,
 * uv, v² in centred, scaled coordinates u = (c - (w-1)/2)/(w/2), v = (r - (h-1)/2)/(h/2), orthonormalised by
 * modified Gram-Schmidt applied twice (numerically orthogonal to ~1e-15). Cached per (width, height, mode).
 */
export function detrendBasis(width: number, height: number, mode: DetrendMode): readonly Float64Array[] {
  const terms = TERMS[mode];
  if (terms === undefined) {
    throw validationError('VAL_ERR_BAD_OPTION', `detrend: mode: expected mean|plane|poly2, got ${String(mode)}`, {
      option: 'detrend',
    });
  }
  const key = `${width}x${height}:${mode}`;
  const cached = BASIS_CACHE.get(key);
  if (cached !== undefined) return cached;
  const n = width * height;
  const monomials: Float64Array[] = [];
  for (let t = 0; t < terms; t++) monomials.push(new Float64Array(n));
  for (let r = 0; r < height; r++) {
    const v = (r - (height - 1) / 2) / (height / 2);
    for (let c = 0; c < width; c++) {
      const u = (c - (width - 1) / 2) / (width / 2);
      const values = [1, u, v, u * u, u * v, v * v];
      for (let t = 0; t < terms; t++) monomials[t][r * width + c] = values[t];
    }
  }
  const basis: Float64Array[] = [];
  for (const m of monomials) {
    const q = m.slice();
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) subtractProjection(q, b);
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i] * q[i];
    norm = sqrt(norm);
    if (!(norm > 1e-9)) {
      throw validationError(
        'VAL_ERR_BAD_ROI',
        `detrend: ROI ${width}x${height}: expected enough pixels to fit a ${mode} surface, got a degenerate fit`,
        { width, height },
      );
    }
    for (let i = 0; i < n; i++) q[i] /= norm;
    basis.push(q);
  }
  if (BASIS_CACHE.size > 32) BASIS_CACHE.clear();
  BASIS_CACHE.set(key, basis);
  return basis;
}

/** q ← q - (q·b) b for a unit vector b. */
function subtractProjection(q: Float64Array, b: Float64Array): void {
  const n = q.length;
  let dot = 0;
  for (let i = 0; i < n; i++) dot += q[i] * b[i];
  for (let i = 0; i < n; i++) q[i] -= dot * b[i];
}

/**
 * Removes the least-squares fit of the basis's polynomials from `values` in place: values ← values − Σ (q·values) q,
 * which for an orthonormal basis is exactly the residual of the least-squares fit.
 * @param values - ROI pixels, row-major, length = basis vector length
 * @param basis - from {@link detrendBasis}
 */
export function detrendInPlace(values: Float64Array, basis: readonly Float64Array[]): void {
  for (const q of basis) subtractProjection(values, q);
}
