import { modelError } from '../errors.js';
import { DEFAULT_STRENGTH, isStrength, STRENGTH_WEIGHTS, STRENGTHS } from './Strength.js';

/**
 * The blend weight of a `RestoreOptions.strength` (absent: DEFAULT_STRENGTH), checked before any work is done.
 * @throws MODEL_ERR_BAD_OPTION naming `strength` and the allowed values for anything but low / medium / high
 */
export function strengthWeight(strength: unknown = DEFAULT_STRENGTH): number {
  if (!isStrength(strength))
    throw modelError(
      'MODEL_ERR_BAD_OPTION',
      `restoreSeries: strength: expected ${STRENGTHS.join(' | ')}, got ${JSON.stringify(strength)}`,
      { option: 'strength' },
    );
  return STRENGTH_WEIGHTS[strength];
}
