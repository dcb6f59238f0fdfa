/** How a set of detected cuts compares with the true run boundaries of a clip. */
export interface CutScore {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** TP / (TP + FP); 1 when nothing was detected. */
  readonly precision: number;
  /** TP / (TP + FN); 1 when there is no true cut. */
  readonly recall: number;
}

/**
 * Scores detected cuts against true ones, both as the index of the frame that starts a new run. A cut counts only
 * at its exact frame: a window planned from a cut one frame off would still mix two runs. Pure.
 * @example scoreCuts([11, 40], [11, 13]); // { truePositives: 1, falsePositives: 1, falseNegatives: 1, precision: 0.5, recall: 0.5 }
 */
export function scoreCuts(detected: readonly number[], truth: readonly number[]): CutScore {
  const t = new Set(truth);
  const d = new Set(detected);
  const truePositives = [...d].filter((i) => t.has(i)).length;
  return sumCutScores([
    { truePositives, falsePositives: d.size - truePositives, falseNegatives: t.size - truePositives },
  ]);
}

/** Pools counts over clips (micro-average: every boundary counts once, whatever its clip). */
export function sumCutScores(
  scores: readonly Pick<CutScore, 'truePositives' | 'falsePositives' | 'falseNegatives'>[],
): CutScore {
  const tp = scores.reduce((s, x) => s + x.truePositives, 0);
  const fp = scores.reduce((s, x) => s + x.falsePositives, 0);
  const fn = scores.reduce((s, x) => s + x.falseNegatives, 0);
  return {
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
  };
}
