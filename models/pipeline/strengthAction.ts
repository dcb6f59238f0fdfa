import { modelError } from '../errors.js';
import type { ModelIndex } from '../pack/ModelIndex.js';
import type { SeriesKind } from './SeriesSource.js';
import { DEFAULT_STRENGTH, isStrength, STRENGTH_WEIGHTS, STRENGTHS, type Strength } from './Strength.js';

/** How one restoration strength acts in one pack: the blend weight applied and, for GSDiff tables, the mix. */
export interface StrengthAction {
  readonly level: Strength;
  /** out = input + weight (restored - input), the last step of every frame. */
  readonly weight: number;
  /**
   * Present when the pack declares its strengths (`trn_frame.strengths`) and the series runs them (not an RGB series
   * of a pack with `trn_frame.rgb`): the share of the full-dose reference's own noise its TRN graph for this strength
   * removes (0 keeps that texture, 1 removes it too).
   */
  readonly ownNoiseRemoved?: number;
}

/**
 * How `strength` acts for `pack` on a series of `kind` (models/README.md "Strength"): for an RGB series with the
 * pack's `trn_frame.rgb` graph, that graph's weight for the strength; else the pack's `trn_frame.strengths` row when
 * it has one, else the global blend STRENGTH_WEIGHTS. The one place every surface takes the weight from
 * (restoreSeries, the derived series' record, evaluate and validate), so what is printed and recorded is what is
 * applied.
 * @param pack - a loaded pack, or just its parsed index (`{ index }`); undefined: no pack, the global blend
 * @param strength - low | medium | high; absent: DEFAULT_STRENGTH
 * @param kind - the series' kind; absent: CT (what holds for every series of a pack without an RGB graph)
 * @throws MODEL_ERR_BAD_OPTION naming `strength` and the allowed values for anything else, before any work is done
 * @example strengthAction(pack, 'high') // { level: 'high', weight: 1, ownNoiseRemoved: 1 } for a pack with a table
 * @example strengthAction(pack, 'low', 'rgb') // { level: 'low', weight: 0.5 } for a pack with an RGB graph
 */
export function strengthAction(
  pack: { readonly index: ModelIndex } | undefined,
  strength: unknown = DEFAULT_STRENGTH,
  kind: SeriesKind = 'ct',
): StrengthAction {
  if (!isStrength(strength))
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `restoreSeries: strength: expected ${STRENGTHS.join(' | ')}, got ${JSON.stringify(strength)}`,
      { option: 'strength' },
    );
  const trn = pack?.index._class_name === 'GSDiffPipeline' ? pack.index.trn_frame : undefined;
  // The RGB graph is one deblurring graph, not a mix of the CT graphs' two outputs: it has no own-noise share.
  if (kind === 'rgb' && trn?.rgb) return { level: strength, weight: trn.rgb.weights[strength] };
  const row = trn?.strengths?.[strength];
  return row
    ? { level: strength, weight: row.weight, ownNoiseRemoved: row.own_noise_removed }
    : { level: strength, weight: STRENGTH_WEIGHTS[strength] };
}
