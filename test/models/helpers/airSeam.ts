import { boxMean } from '../../../models/tiling/index.js';
import type { FrameTile, TilePlan } from '../../../models/tiling/index.js';

/** The level step of the difference image across each tile border, in HU, split by the kind of border. */
export interface SeamSteps {
  /** Borders between an air tile and a tissue tile: the seam a reader saw. */
  readonly airTissue: number[];
  /** Borders between two tissue tiles: the noise floor of the same measure. */
  readonly tissueTissue: number[];
}

/**
 * Measures seams as a reader sees them in a ±50 HU difference view (restored − original): in air the restoration
 * removes noise, so the difference image is a texture whose local RMS is its brightness, and a seam is a jump of
 * that level across a tile border. For each border between horizontally or vertically adjacent tiles, over the
 * border's interior (clear of the other tiles' overlaps) and only where the noise-free truth is air in the whole band
 * and for `margin` pixels around it (the restoration's own fade along the body outline is not a tile seam),
 * the RMS of the difference in the `overlap` pixels just before the shared overlap is compared with the RMS in the
 * `overlap` pixels just after it; the step is |after − before|. Between two tissue tiles both sides are restored
 * alike, so their steps are the floor; a hard edge shows as the full noise-removal level.
 * @param diff - restored − original, H x W
 * @param truth - the noise-free frame (decides which columns or rows of a band are air)
 * @param isAir - per tile index: judged air (passed through)
 * @param margin - pixels of air required around a measured band
 * @param airBelowHu - what counts as air in the truth
 */
export function seamSteps(
  diff: Float32Array,
  truth: Float32Array,
  plan: TilePlan,
  isAir: readonly boolean[],
  margin = 16,
  airBelowHu = -900,
): SeamSteps {
  const tissueNear = boxMean(
    Float32Array.from(truth, (v) => (v < airBelowHu ? 0 : 1)),
    plan.height,
    plan.width,
    margin,
  );
  const steps: SeamSteps = { airTissue: [], tissueTissue: [] };
  const o = plan.overlap;
  const W = plan.width;
  const at = (vertical: boolean, across: number, along: number): number =>
    vertical ? across * W + along : along * W + across;
  for (const a of plan.tiles) {
    const row = Math.floor(a.index / plan.cols);
    const col = a.index % plan.cols;
    const pairs: [FrameTile | undefined, boolean][] = [
      [col + 1 < plan.cols ? plan.tiles[a.index + 1] : undefined, false],
      [row + 1 < plan.rows ? plan.tiles[a.index + plan.cols] : undefined, true],
    ];
    for (const [b, vertical] of pairs) {
      if (b === undefined || (isAir[a.index] && isAir[b.index])) continue;
      // across: rows for a vertical pair (a above b), columns for a horizontal one
      const lapStart = vertical ? b.y : b.x;
      const lapEnd = vertical ? a.y + a.height : a.x + a.width;
      const alongStart = (vertical ? a.x : a.y) + o;
      const alongEnd = (vertical ? a.x + a.width : a.y + a.height) - o;
      const bandStart = Math.max(0, lapStart - o);
      const bandEnd = Math.min(vertical ? plan.height : W, lapEnd + o);
      let before = 0;
      let after = 0;
      let n = 0;
      for (let q = alongStart; q < alongEnd; q++) {
        let air = true;
        for (let p = bandStart; p < bandEnd && air; p++) air = tissueNear[at(vertical, p, q)] === 0;
        if (!air) continue;
        n++;
        for (let p = bandStart; p < lapStart; p++) before += diff[at(vertical, p, q)] ** 2;
        for (let p = lapEnd; p < bandEnd; p++) after += diff[at(vertical, p, q)] ** 2;
      }
      if (n === 0) continue;
      const step = Math.abs(
        Math.sqrt(after / (n * (bandEnd - lapEnd))) - Math.sqrt(before / (n * (lapStart - bandStart))),
      );
      (isAir[a.index] || isAir[b.index] ? steps.airTissue : steps.tissueTissue).push(step);
    }
  }
  return steps;
}
