import type { ModelIndex } from '../pack/ModelIndex.js';
import type { Branches } from './restoreWindow.js';
import type { SeriesKind } from './SeriesSource.js';

/**
 * Which branches a GSDiff pack runs on a series of `kind` when the caller names none: 'trn-only' (V_r = T(V_d), no
 * diffusion branch) where the graph the series runs says its diffusion branch is off — `trn_frame.rgb.diffusion` false
 * for an RGB series with the pack's RGB graph, `trn_frame.diffusion` false for the series that run the CT graphs —
 * else 'full'. Why a pack turns it off: its branch measured worse than its TRN alone on the dev data
 * (docs/RESULTS.md "Step 12"). The one place restoreSeries and the derived series' record take it from, so what is
 * recorded is what ran.
 * @param index - the pack's parsed index; a non-GSDiff pack runs 'full' (it has no branches)
 * @param kind - the series' kind; absent: CT
 */
export function defaultBranches(index: ModelIndex, kind: SeriesKind = 'ct'): Branches {
  const trn = index._class_name === 'GSDiffPipeline' ? index.trn_frame : undefined;
  if (!trn) return 'full';
  if (kind === 'rgb' && trn.rgb) return trn.rgb.diffusion ? 'full' : 'trn-only';
  return trn.diffusion === false ? 'trn-only' : 'full';
}
