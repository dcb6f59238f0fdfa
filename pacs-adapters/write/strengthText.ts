import type { DerivationInfo } from './DerivationInfo.js';

/**
 * The strength clause of DerivationDescription: the level, the blend weight as a formula a reader can check, and,
 * when the pack declares its strengths, the share of the full-dose reference's own noise its TRN graph removed (the
 * one thing that tells two GSDiff strengths apart when both blend at weight 1). At most about 110 characters, well
 * within the ST limit of 1024 the whole description is held to.
 * @example strengthText({ level: 'high', weight: 1, ownNoiseRemoved: 1 })
 * // 'strength high (blend 1 with the input: input + 1 x (restored - input); own noise removed 1)'
 */
export function strengthText(s: NonNullable<DerivationInfo['strength']>): string {
  const own = s.ownNoiseRemoved === undefined ? '' : `; own noise removed ${s.ownNoiseRemoved}`;
  return `strength ${s.level} (blend ${s.weight} with the input: input + ${s.weight} x (restored - input)${own})`;
}
