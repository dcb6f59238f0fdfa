import { newUid } from './dcmjsCodec.js';
import type { DerivedSeriesSpec } from './DerivationInfo.js';

export const DERIVED_SUFFIX = ' [GSDiff]';

/**
 * Series attributes for a new derived series of a source series: a fresh SeriesInstanceUID, a SeriesNumber
 * not used in the study (source + 1000, stepping past taken numbers) and the source description with a suffix
 * that fits the 64-character LO limit.
 */
export function derivedSeriesSpec(
  source: { seriesNumber?: number; seriesDescription?: string },
  takenSeriesNumbers: Iterable<number> = [],
  createdAt: Date = new Date(),
): DerivedSeriesSpec {
  const taken = new Set(takenSeriesNumbers);
  let number = (source.seriesNumber ?? 0) + 1000;
  while (taken.has(number)) number++;
  const base = (source.seriesDescription ?? 'Series').slice(0, 64 - DERIVED_SUFFIX.length).trimEnd();
  return {
    seriesInstanceUid: newUid(),
    seriesNumber: number,
    seriesDescription: `${base}${DERIVED_SUFFIX}`,
    createdAt,
  };
}
