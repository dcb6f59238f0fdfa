/**
 * How the slices of the original pane and the restored pane correspond. By position when both stacks know where
 * each slice lies (ImagePositionPatient along the normal, or SliceLocation), by index otherwise (a multi-frame
 * sequence, a stream that mirrors the original frame by frame).
 */
export interface SlicePairing {
  readonly mode: 'position' | 'index';
  /** Original index → restored index; undefined where no restored slice lies at that position. */
  readonly toRestored: readonly (number | undefined)[];
  /** Restored index → original index; undefined where no original slice lies at that position. */
  readonly toOriginal: readonly (number | undefined)[];
  /** Original index → the restored slice nearest in position (or index): where the pane goes when unpaired. */
  readonly nearestRestored: readonly number[];
  /** Position mode: the largest distance (mm) at which two slices are taken as the same. */
  readonly toleranceMm?: number;
}

/** Slices whose positions differ by less than this share a position whatever the spacing (rounding in DS values). */
const MIN_TOLERANCE_MM = 0.01;
/** Two single-slice stacks have no spacing to derive a tolerance from. */
const SINGLE_SLICE_TOLERANCE_MM = 0.5;

/** Index pairing: slice i with slice i, as far as the shorter stack goes. */
export function pairByIndex(originalCount: number, restoredCount: number): SlicePairing {
  const n = Math.min(originalCount, restoredCount);
  return {
    mode: 'index',
    toRestored: Array.from({ length: originalCount }, (_, i) => (i < n ? i : undefined)),
    toOriginal: Array.from({ length: restoredCount }, (_, i) => (i < n ? i : undefined)),
    nearestRestored: Array.from({ length: originalCount }, (_, i) => Math.max(0, Math.min(i, restoredCount - 1))),
  };
}

/** The smallest positive gap between sorted positions, or undefined when there is none. */
function smallestSpacing(sorted: readonly number[]): number | undefined {
  let min: number | undefined;
  for (let i = 1; i < sorted.length; i++) {
    const d = sorted[i] - sorted[i - 1];
    if (d > MIN_TOLERANCE_MM && (min === undefined || d < min)) min = d;
  }
  return min;
}

/** Index of the entry of `sorted` (ascending) nearest to `x` (ties: the lower position). */
function nearest(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(sorted[lo - 1] - x) <= Math.abs(sorted[lo] - x)) return lo - 1;
  return lo;
}

/**
 * Pairs two stacks by slice position: each slice goes with the slice of the other stack nearest in position when
 * that one is within half the smaller slice spacing of the two stacks (so a thinner or shifted reconstruction pairs
 * only where the slices really coincide). Falls back to index pairing when a position is missing on either side.
 * @param original - positions (mm along the slice normal) of the original pane's stack, in its order
 * @param restored - the same for the restored pane's stack
 * @example pairSlices([0, 5, 10], [5, 10]).toRestored  // [undefined, 0, 1]
 */
export function pairSlices(
  original: readonly (number | undefined)[],
  restored: readonly (number | undefined)[],
): SlicePairing {
  const known = (xs: readonly (number | undefined)[]): xs is readonly number[] =>
    xs.every((x) => x !== undefined && Number.isFinite(x));
  if (original.length === 0 || restored.length === 0 || !known(original) || !known(restored)) {
    return pairByIndex(original.length, restored.length);
  }
  const sortedO = original.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const sortedR = restored.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const posO = sortedO.map((e) => e.p);
  const posR = sortedR.map((e) => e.p);
  const spacings = [smallestSpacing(posO), smallestSpacing(posR)].filter((d): d is number => d !== undefined);
  const toleranceMm =
    spacings.length > 0 ? Math.max(MIN_TOLERANCE_MM, Math.min(...spacings) / 2) : SINGLE_SLICE_TOLERANCE_MM;
  const toRestored: (number | undefined)[] = [];
  const nearestRestored: number[] = [];
  original.forEach((p, i) => {
    const k = nearest(posR, p);
    nearestRestored[i] = sortedR[k].i;
    toRestored[i] = Math.abs(posR[k] - p) < toleranceMm ? sortedR[k].i : undefined;
  });
  const toOriginal = restored.map((p) => {
    const k = nearest(posO, p);
    return Math.abs(posO[k] - p) < toleranceMm ? sortedO[k].i : undefined;
  });
  return { mode: 'position', toRestored, toOriginal, nearestRestored, toleranceMm };
}

/**
 * The pairing of the original stack with a stack made of some of its pairs (the difference pane): entry k of that
 * stack is original `originals[k]`.
 */
export function pairWithSubset(originalCount: number, originals: readonly number[], base: SlicePairing): SlicePairing {
  const toRestored: (number | undefined)[] = Array.from({ length: originalCount }, () => undefined);
  originals.forEach((o, k) => (toRestored[o] = k));
  // Unpaired originals go to the subset entry whose original is nearest in index (the stacks are in position order).
  const nearestRestored = Array.from({ length: originalCount }, (_, i) => {
    let best = 0;
    originals.forEach((o, k) => {
      if (Math.abs(o - i) < Math.abs(originals[best] - i)) best = k;
    });
    return best;
  });
  return { mode: base.mode, toRestored, toOriginal: [...originals], nearestRestored, toleranceMm: base.toleranceMm };
}
