import { STRENGTHS, type Strength } from '../pipeline/Strength.js';
import { indexFieldError, isJsonObject, type IndexContext } from './indexField.js';
import type { TrnStrengthSpec } from './ModelIndex.js';

/** Where the table sits: the index file and pack name every error names. */
interface StrengthsContext extends IndexContext {
  /** The `components` object as written: optional `trn_frame_<level>` entries must agree with the table. */
  readonly components: Readonly<Record<string, unknown>>;
}

/**
 * Validates `trn_frame.strengths` (models/README.md "Per-frame TRN"): every strength low / medium / high present,
 * each with a `component` path inside the pack, a `weight` in (0, 1] and an `own_noise_removed` in [0, 1]. A
 * `components.trn_frame_<level>` entry, when the pack lists one, must name the same file, so the two places never
 * disagree about which graph a strength runs.
 * @throws MODEL_ERR_PACK_INDEX naming the pack, the field path (e.g. `trn_frame.strengths.high.weight`) and what was
 *   expected
 */
export function parseTrnStrengths(raw: unknown, c: StrengthsContext): Record<Strength, TrnStrengthSpec> {
  const fail = indexFieldError(c);
  const isObject = isJsonObject;
  const inRange = (v: unknown, lowOpen: boolean): v is number =>
    typeof v === 'number' && Number.isFinite(v) && (lowOpen ? v > 0 : v >= 0) && v <= 1;

  const base = 'trn_frame.strengths';
  if (!isObject(raw)) return fail(base, 'an object with low, medium and high', raw);
  const extra = Object.keys(raw).filter((k) => !(STRENGTHS as readonly string[]).includes(k));
  if (extra.length) fail(`${base}.${extra[0]}`, `only the strengths ${STRENGTHS.join(', ')}`, raw[extra[0]]);
  const parse = (level: Strength): TrnStrengthSpec => {
    const at = `${base}.${level}`;
    const row = raw[level];
    if (!isObject(row))
      return fail(at, `every strength (${STRENGTHS.join(', ')}) as { component, weight, own_noise_removed }`, row);
    // The same rule as every other path of the index: relative, never leaving the pack.
    const component =
      typeof row.component === 'string' &&
      row.component.length > 0 &&
      !row.component.startsWith('/') &&
      !row.component.split('/').includes('..')
        ? row.component
        : fail(`${at}.component`, 'a path inside the pack', row.component);
    const named = c.components[`trn_frame_${level}`];
    if (named !== undefined && named !== component)
      fail(`components.trn_frame_${level}`, `the file of ${at}.component ("${component}")`, named);
    return {
      component,
      weight: inRange(row.weight, true) ? row.weight : fail(`${at}.weight`, 'a number in (0, 1]', row.weight),
      own_noise_removed: inRange(row.own_noise_removed, false)
        ? row.own_noise_removed
        : fail(`${at}.own_noise_removed`, 'a number in [0, 1]', row.own_noise_removed),
    };
  };
  return { low: parse('low'), medium: parse('medium'), high: parse('high') };
}
