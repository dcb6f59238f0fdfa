import { basename } from 'node:path';
import { readModelIndex, strengthAction, type Strength, type StrengthAction } from '../../models/index.js';

/** One pack's action for one strength, named as the commands name the pack (its folder). */
export interface PackStrength {
  readonly pack: string;
  /** On CT series, and on RGB series of a pack without an RGB graph. */
  readonly action: StrengthAction;
  /** On RGB series, present only when the pack's RGB graph (`trn_frame.rgb`) makes them act otherwise. */
  readonly rgb?: StrengthAction;
}

/**
 * How `level` acts in each pack, read from the packs' indexes before any is loaded, so what evaluate and validate
 * print and record is what the runtime will apply (a pack's own `trn_frame.strengths`, else the global blend; on RGB
 * series a pack's `trn_frame.rgb` weights).
 * @throws MODEL_ERR_PACK_NOT_FOUND, MODEL_ERR_PACK_INDEX for a pack whose index cannot be read or is invalid
 */
export async function packStrengths(packs: readonly string[], level: Strength): Promise<PackStrength[]> {
  return Promise.all(
    packs.map(async (p) => {
      const index = await readModelIndex(p);
      const hasRgb = index._class_name === 'GSDiffPipeline' && index.trn_frame?.rgb !== undefined;
      return {
        pack: basename(p.replace(/\/+$/, '')),
        action: strengthAction({ index }, level, 'ct'),
        ...(hasRgb ? { rgb: strengthAction({ index }, level, 'rgb') } : {}),
      };
    }),
  );
}

/** "blend 0.75 with the input", with ", own noise removed 0.5" for a pack that declares its strengths. */
export function strengthPhrase(a: Pick<StrengthAction, 'weight' | 'ownNoiseRemoved'>): string {
  return `blend ${a.weight} with the input${a.ownNoiseRemoved === undefined ? '' : `, own noise removed ${a.ownNoiseRemoved}`}`;
}

/**
 * "gsdiff-t: blend 0.75 with the input; other: …", one clause per pack; a pack with an RGB graph adds
 * " (RGB series: blend 0.5 with the input)".
 */
export function packStrengthsPhrase(all: readonly PackStrength[]): string {
  return all
    .map((s) => `${s.pack}: ${strengthPhrase(s.action)}${s.rgb ? ` (RGB series: ${strengthPhrase(s.rgb)})` : ''}`)
    .join('; ');
}
