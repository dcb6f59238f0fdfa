import { newUid } from './dcmjsCodec.js';
import type { DerivedSeriesSpec } from './DerivationInfo.js';

export const DERIVED_SUFFIX = ' [GSDiff]';

/**
 * Series attributes for a new derived series of a source series: a fresh SeriesInstanceUID, a SeriesNumber
 * not used in the study (source + 1000, stepping past taken numbers) and the source description with a suffix
 * — " [GSDiff]", then " strength <level>" when a strength is given — that fits the 64-character LO limit (the
 * source description is shortened, never the suffix).
 * @param strength - the restoration strength (low | medium | high), shown in the description so a reader choosing
 *   between derived series sees it in any PACS list
 * @example derivedSeriesSpec({ seriesDescription: 'Abdomen 5mm' }, [], new Date(), 'medium').seriesDescription
 *   // 'Abdomen 5mm [GSDiff] strength medium'
 */
export function derivedSeriesSpec(
  source: { seriesNumber?: number; seriesDescription?: string },
  takenSeriesNumbers: Iterable<number> = [],
  createdAt: Date = new Date(),
  strength?: string,
): DerivedSeriesSpec {
  const taken = new Set(takenSeriesNumbers);
  let number = (source.seriesNumber ?? 0) + 1000;
  while (taken.has(number)) number++;
  const suffix = `${DERIVED_SUFFIX}${strength ? ` strength ${strength}` : ''}`;
  const base = (source.seriesDescription ?? 'Series').slice(0, 64 - suffix.length).trimEnd();
  return {
    seriesInstanceUid: newUid(),
    seriesNumber: number,
    seriesDescription: `${base}${suffix}`,
    createdAt,
  };
}
