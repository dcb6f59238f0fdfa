import { RGB_TRN_WEIGHTS, STRENGTHS, type Strength } from '../pipeline/Strength.js';
import { indexFieldError, isJsonObject, type IndexContext } from './indexField.js';
import type { TrnRgbSpec } from './ModelIndex.js';

/** Where the entry sits: the index file and pack name every error names. */
interface RgbContext extends IndexContext {
  /** The `components` object as written: an optional `trn_frame_rgb` entry must agree with the entry. */
  readonly components: Readonly<Record<string, unknown>>;
}

/** The fields `trn_frame.rgb` may hold: a misspelt one would otherwise fall back to a default unnoticed. */
const FIELDS = ['component', 'radius', 'weights', 'diffusion'] as const;

/**
 * Validates `trn_frame.rgb` (models/README.md "Per-frame TRN"): a `component` path inside the pack, a `radius`
 * integer in [0, 16] (the range of `trn_frame.radius`) and optional `weights` with every strength low / medium / high
 * in [0, 1] (absent: RGB_TRN_WEIGHTS), and an optional boolean `diffusion` (absent: true; false: RGB series skip
 * the diffusion branch, for a pack whose diffusion branch never learned against this graph). A `components.trn_frame_rgb` entry, when the pack lists one, must name the
 * same file, so the two places never disagree about which graph RGB series run.
 * @throws MODEL_ERR_PACK_INDEX naming the pack, the field path (e.g. `trn_frame.rgb.weights.low`) and what was
 *   expected
 */
export function parseTrnRgb(raw: unknown, c: RgbContext): TrnRgbSpec {
  const fail = indexFieldError(c);
  const isObject = isJsonObject;

  const base = 'trn_frame.rgb';
  if (!isObject(raw)) return fail(base, 'an object { component, radius, weights }', raw);
  const extra = Object.keys(raw).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (extra.length) fail(`${base}.${extra[0]}`, `only the fields ${FIELDS.join(', ')}`, raw[extra[0]]);
  // The same rule as every other path of the index: relative, never leaving the pack.
  const component =
    typeof raw.component === 'string' &&
    raw.component.length > 0 &&
    !raw.component.startsWith('/') &&
    !raw.component.split('/').includes('..')
      ? raw.component
      : fail(`${base}.component`, 'a path inside the pack', raw.component);
  const named = c.components.trn_frame_rgb;
  if (named !== undefined && named !== component)
    fail('components.trn_frame_rgb', `the file of ${base}.component ("${component}")`, named);
  const radius =
    typeof raw.radius === 'number' && Number.isInteger(raw.radius) && raw.radius >= 0 && raw.radius <= 16
      ? raw.radius
      : fail(`${base}.radius`, 'a non-negative integer (at most 16)', raw.radius);
  const diffusion =
    raw.diffusion === undefined || typeof raw.diffusion === 'boolean'
      ? raw.diffusion !== false
      : fail(`${base}.diffusion`, 'true or false', raw.diffusion);
  return { component, radius, weights: parseWeights(raw.weights, `${base}.weights`, fail, isObject), diffusion };
}

/** `weights`: absent gives the defaults; present, every strength and nothing else, each in [0, 1]. */
function parseWeights(
  raw: unknown,
  base: string,
  fail: (path: string, expected: string, got: unknown) => never,
  isObject: (v: unknown) => v is Record<string, unknown>,
): Record<Strength, number> {
  if (raw === undefined) return { ...RGB_TRN_WEIGHTS };
  if (!isObject(raw)) return fail(base, 'an object with low, medium and high', raw);
  const extra = Object.keys(raw).filter((k) => !(STRENGTHS as readonly string[]).includes(k));
  if (extra.length) fail(`${base}.${extra[0]}`, `only the strengths ${STRENGTHS.join(', ')}`, raw[extra[0]]);
  const weight = (level: Strength): number => {
    const v = raw[level];
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1
      ? v
      : fail(`${base}.${level}`, 'a number in [0, 1]', v);
  };
  return { low: weight('low'), medium: weight('medium'), high: weight('high') };
}
