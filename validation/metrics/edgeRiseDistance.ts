import { validationError } from '../errors.js';
import { checkFiniteSum, checkImage, checkInteger, checkNotEmpty, checkPositive } from './checkInputs.js';
import type { TissueFatEdge } from './TissueFatEdge.js';

const { abs, ceil, floor, hypot, round } = Math;

/** Options of {@link edgeRiseDistance}. */
export interface EdgeRiseOptions {
  /** The profile runs from -halfWidthPx (fat) to +halfWidthPx (tissue) along each normal (default 8). */
  halfWidthPx?: number;
  /** Bin width along the normal, pixels; must divide halfWidthPx (default 0.25). */
  stepPx?: number;
  /** Pixels up to this distance from the normal line (along the border) are projected onto it (default 2). */
  stripHalfWidthPx?: number;
  /** Length of each outer end averaged as the plateau, pixels (default 2). */
  plateauPx?: number;
  /** Fewest edges accepted (default 30): single low-dose profiles are far too noisy, so is an ensemble of a few. */
  minEdges?: number;
}

/** Defaults of {@link EdgeRiseOptions}. */
export const EDGE_RISE_DEFAULTS = Object.freeze({
  halfWidthPx: 8,
  stepPx: 0.25,
  stripHalfWidthPx: 2,
  plateauPx: 2,
  minEdges: 30,
});

/** What {@link edgeRiseDistance} returns. */
export interface EdgeRiseResult {
  /** 10 %-90 % rise distance of the ensemble edge-spread function, pixels. */
  readonly riseDistancePx: number;
  /** The same in mm; present when the pixel spacing was given. */
  readonly riseDistanceMm?: number;
  /** Number of edge profiles averaged. */
  readonly edges: number;
  /** Plateau on the fat side (mean of the outer plateauPx), HU. */
  readonly fatHu: number;
  /** Plateau on the tissue side, HU. */
  readonly tissueHu: number;
  /** Sample positions along the normal, pixels, fat side negative. */
  readonly offsetsPx: Float64Array;
  /** The ensemble edge-spread function at offsetsPx, HU. */
  readonly profileHu: Float64Array;
}

/**
 * No-reference sharpness: the 10 %-90 % rise distance of the ensemble edge-spread function (ESF) across
 * soft-tissue/fat borders, measured at the places {@link findTissueFatEdges} found on the input, so every method is
 * measured at the same places.
 *
 * 1. Around each edge, the pixels of its slice within stripHalfWidthPx of the normal line and halfWidthPx along it
 *    are projected onto the normal (signed distance, fat side negative) and summed into stepPx-wide bins, as the
 *    slanted-edge method does (ISO 12233): no interpolation, so no interpolation blur; the edges' varied sub-pixel
 *    positions and angles fill the bins. Bins left empty (a handful of axis-aligned edges) are filled linearly.
 * 2. The bins are pooled over all edges of all slices: one low-dose profile is too noisy to place its 10 % and 90 %
 *    points, the ensemble ESF is not (its noise falls as 1/√pixels).
 * 3. Plateaus: the means of the outer plateauPx at each end (fat, tissue); the ESF is normalised to 0 … 1 by them.
 * 4. From the 50 % crossing nearest the centre, the first 10 % crossing on the fat side and the first 90 % crossing
 *    on the tissue side (linear interpolation between bins); their distance is the rise distance. A Gaussian-blurred
 *    step of SD σ gives 2·1.2816·σ = 2.563σ.
 *
 * Lower is sharper. It reads edge blur only: a method that sharpens noise is not caught here, and the edges are
 * aligned on the input, so alignment jitter from the input's noise adds the same small blur to every method.
 * @param images - one slice, or the slices the edges' `slice` indices point into; row-major width x height, HU
 * @param width - columns
 * @param height - rows
 * @param edges - from {@link findTissueFatEdges} on the input slices
 * @param pixelSpacingMm - in-plane pixel spacing (square pixels); gives riseDistanceMm
 * @param options - see {@link EdgeRiseOptions}
 * @throws VAL_ERR_FEW_EDGES when fewer than minEdges edges are given
 * @throws VAL_ERR_SIZE_MISMATCH when an image does not hold width x height values
 * @throws VAL_ERR_BAD_OPTION when an option is out of range, an edge's slice does not exist or its pixels leave the
 *   image
 * @throws VAL_ERR_BAD_INPUT when a profile holds NaN or ±Infinity, or the tissue plateau is not above the fat plateau
 * @example const edges = inputs.flatMap((s, i) => findTissueFatEdges(s, 512, 512, { slice: i }));
 *   const { riseDistanceMm } = edgeRiseDistance(outputs, 512, 512, edges, 0.7);
 */
export function edgeRiseDistance(
  images: Float32Array | readonly Float32Array[],
  width: number,
  height: number,
  edges: readonly TissueFatEdge[],
  pixelSpacingMm?: number,
  options: EdgeRiseOptions = {},
): EdgeRiseResult {
  const fn = 'edgeRiseDistance';
  const slices = images instanceof Float32Array ? [images] : images;
  checkNotEmpty(fn, 'images', slices);
  slices.forEach((s, k) => checkImage(fn, `images[${k}]`, s, width, height));
  const o = { ...EDGE_RISE_DEFAULTS, ...options };
  checkPositive(fn, 'halfWidthPx', o.halfWidthPx);
  checkPositive(fn, 'stepPx', o.stepPx);
  checkPositive(fn, 'plateauPx', o.plateauPx);
  checkPositive(fn, 'stripHalfWidthPx', o.stripHalfWidthPx);
  checkInteger(fn, 'minEdges', o.minEdges, 1);
  if (pixelSpacingMm !== undefined) checkPositive(fn, 'pixelSpacingMm', pixelSpacingMm);
  const half = round(o.halfWidthPx / o.stepPx);
  const plateau = floor(o.plateauPx / o.stepPx + 1e-9) + 1;
  if (abs(half * o.stepPx - o.halfWidthPx) > 1e-9 || plateau >= half) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `${fn}: stepPx: expected a step dividing halfWidthPx with plateauPx < halfWidthPx, ` +
        `got stepPx ${o.stepPx}, halfWidthPx ${o.halfWidthPx}, plateauPx ${o.plateauPx}`,
      { option: 'stepPx' },
    );
  }
  if (edges.length < o.minEdges) {
    throw validationError(
      'VAL_ERR_FEW_EDGES',
      `${fn}: edges: expected at least ${o.minEdges} soft-tissue/fat edges, got ${edges.length}`,
      { array: 'edges', expected: o.minEdges, got: edges.length },
    );
  }

  // 1-2. Ensemble profile: pixels projected onto each normal, pooled in bins.
  const n = 2 * half + 1;
  const offsetsPx = Float64Array.from({ length: n }, (_, j) => (j - half) * o.stepPx);
  const sums = new Float64Array(n);
  const counts = new Float64Array(n);
  const reach = o.halfWidthPx + o.stepPx / 2;
  const box = hypot(reach, o.stripHalfWidthPx);
  edges.forEach((e, k) => {
    const image = slices[e.slice];
    const x0 = floor(e.x - box);
    const x1 = ceil(e.x + box);
    const y0 = floor(e.y - box);
    const y1 = ceil(e.y + box);
    if (
      image === undefined ||
      !Number.isInteger(e.slice) ||
      !(x0 >= 0 && y0 >= 0 && x1 <= width - 1 && y1 <= height - 1) ||
      !(abs(hypot(e.nx, e.ny) - 1) < 1e-6)
    ) {
      throw validationError(
        'VAL_ERR_BAD_OPTION',
        `${fn}: edges[${k}]: expected a slice in 0..${slices.length - 1}, a unit normal and a profile of ` +
          `±${o.halfWidthPx} px inside the ${width}x${height} image, got slice ${e.slice} at (${e.x}, ${e.y}) ` +
          `normal (${e.nx}, ${e.ny})`,
        { array: 'edges', index: k },
      );
    }
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = x - e.x;
        const dy = y - e.y;
        const d = dx * e.nx + dy * e.ny;
        const t = dy * e.nx - dx * e.ny;
        if (abs(t) > o.stripHalfWidthPx || abs(d) >= reach) continue;
        const j = round(d / o.stepPx) + half;
        sums[j] += image[y * width + x];
        counts[j] += 1;
      }
    }
  });
  const profileHu = fillBins(sums, counts);
  let sum = 0;
  for (let j = 0; j < n; j++) sum += profileHu[j];
  checkFiniteSum(fn, 'images (along the edge profiles)', sum);

  // 3. Plateaus.
  let fatHu = 0;
  let tissueHu = 0;
  for (let j = 0; j < plateau; j++) {
    fatHu += profileHu[j] / plateau;
    tissueHu += profileHu[n - 1 - j] / plateau;
  }
  if (!(tissueHu > fatHu)) {
    throw validationError(
      'VAL_ERR_BAD_INPUT',
      `${fn}: profile: expected the tissue plateau above the fat plateau, got fat ${fatHu.toFixed(1)} HU, ` +
        `tissue ${tissueHu.toFixed(1)} HU`,
      { array: 'images' },
    );
  }
  const e = Array.from(profileHu, (v) => (v - fatHu) / (tissueHu - fatHu));

  // 4. Crossings: 50 % nearest the centre, then outwards to 10 % and 90 %.
  const at = (j: number, level: number): number => offsetsPx[j] + ((level - e[j]) / (e[j + 1] - e[j])) * o.stepPx;
  let mid = -1;
  for (let j = 0; j < n - 1; j++) {
    if (e[j] < 0.5 && e[j + 1] >= 0.5 && (mid < 0 || abs(at(j, 0.5)) < abs(at(mid, 0.5)))) mid = j;
  }
  let lo = mid;
  while (lo >= 0 && e[lo] > 0.1) lo--;
  let hi = mid + 1;
  while (hi > 0 && hi < n && e[hi] < 0.9) hi++;
  if (mid < 0 || lo < 0 || hi >= n) {
    throw validationError(
      'VAL_ERR_BAD_INPUT',
      `${fn}: profile: expected 10 %, 50 % and 90 % crossings within ±${o.halfWidthPx} px, got none for ` +
        `${mid < 0 ? '50' : lo < 0 ? '10' : '90'} %`,
      { array: 'images' },
    );
  }
  const riseDistancePx = at(hi - 1, 0.9) - at(lo, 0.1);
  return {
    riseDistancePx,
    ...(pixelSpacingMm === undefined ? {} : { riseDistanceMm: riseDistancePx * pixelSpacingMm }),
    edges: edges.length,
    fatHu,
    tissueHu,
    offsetsPx,
    profileHu,
  };
}

/** Bin means; empty bins take the linear interpolation of their non-empty neighbours (the nearest one at the ends). */
function fillBins(sums: Float64Array, counts: Float64Array): Float64Array {
  const n = sums.length;
  const out = new Float64Array(n);
  const full: number[] = [];
  for (let j = 0; j < n; j++) if (counts[j] > 0) full.push(j);
  for (const j of full) out[j] = sums[j] / counts[j];
  let k = 0;
  for (let j = 0; j < n; j++) {
    if (counts[j] > 0) continue;
    while (k < full.length && full[k] < j) k++;
    const right = full[k];
    const left = full[k - 1];
    if (left === undefined) out[j] = out[right];
    else if (right === undefined) out[j] = out[left];
    else out[j] = out[left] + ((j - left) / (right - left)) * (out[right] - out[left]);
  }
  return out;
}
