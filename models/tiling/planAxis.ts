/** Placement of equal-size segments (windows along z/time, tiles along y or x) covering one axis. */
export interface AxisPlan {
  /** First index of each segment, increasing; the last one is `length − size` (aligned to the end). */
  readonly starts: readonly number[];
  /** Segment size: the requested size, or the whole axis when it is shorter. */
  readonly size: number;
  /** Per segment, its blending weight at each of its `size` positions (see {@link rampWeights}). */
  readonly weights: readonly Float64Array[];
}

const min = Math.min;

/**
 * Linear feathering weights of one segment: w(p) = min(1, (p + 1)/(lo + 1), (size − p)/(ro + 1)) for
 * p = 0..size−1, where lo / ro are the overlaps with the previous / next segment (0 at the axis ends).
 * Every weight is > 0. Where two segments overlap by o the ramps are (j + 1)/(o + 1) and (o − j)/(o + 1), which
 * sum to 1, so a per-segment constant bias turns into a linear transition with steps of bias/(o + 1) — the linear
 * blend of diffusers' `tiled_decode` (`blend_h`/`blend_v`), made symmetric and strictly positive.
 * @param size - segment size
 * @param lo - overlap with the previous segment
 * @param ro - overlap with the next segment
 */
export function rampWeights(size: number, lo: number, ro: number): Float64Array {
  const w = new Float64Array(size);
  for (let p = 0; p < size; p++) w[p] = min(1, (p + 1) / (lo + 1), (size - p) / (ro + 1));
  return w;
}

/**
 * Segments of `size` every `stride` along an axis of `length`, the last one moved back to end at the border, so
 * every index is covered and no segment sticks out. An axis shorter than `size` gets one segment of `length`.
 * Arguments are assumed validated by the caller (integers, 1 <= stride <= size).
 * @param length - axis length
 * @param size - segment size
 * @param stride - distance between segment starts (size − overlap)
 */
export function planAxis(length: number, size: number, stride: number): AxisPlan {
  const s = min(size, length);
  const starts = [0];
  while (starts[starts.length - 1] + s < length) starts.push(min(starts[starts.length - 1] + stride, length - s));
  const weights = starts.map((start, i) => {
    const lo = i > 0 ? starts[i - 1] + s - start : 0;
    const ro = i < starts.length - 1 ? start + s - starts[i + 1] : 0;
    return rampWeights(s, lo, ro);
  });
  return { starts, size: s, weights };
}
