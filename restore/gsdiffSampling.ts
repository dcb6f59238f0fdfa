import type { GsdiffPack, VlmOptions } from '../models/index.js';
import type { RestoreDicomOptions, RestoreTask } from './RestoreDicomOptions.js';

/** The GSDiff-only pipeline options of a run, resolved against the pack so the derivation records what ran. */
export interface GsdiffSampling {
  readonly steps: number;
  readonly img2imgStrength: number;
  /** Chosen text, or the pack's label for a forced task; undefined: recognised. */
  readonly degradation?: string;
  readonly skipAir?: boolean;
  readonly vlm?: Omit<VlmOptions, 'prompt'>;
}

/** Steps and img2img strength fall back to the pack's defaults; a forced task conditions on the pack's own label. */
export function gsdiffSampling(pack: GsdiffPack, o: RestoreDicomOptions): GsdiffSampling {
  return {
    steps: o.steps ?? pack.index.defaults.steps,
    img2imgStrength: o.img2imgStrength ?? pack.index.defaults.strength,
    degradation: o.degradation ?? taskDegradation(o.task ?? 'auto', pack.labels),
    skipAir: o.skipAir,
    vlm: o.vlm,
  };
}

/** denoise / deblur condition on the pack's own label for noise / blur (its recogniser's vocabulary). */
function taskDegradation(task: RestoreTask, labels: readonly string[]): string | undefined {
  if (task === 'auto') return undefined;
  const re = task === 'denoise' ? /noise/i : /blur/i;
  return labels.find((l) => re.test(l)) ?? (task === 'denoise' ? 'noise' : 'blur');
}
