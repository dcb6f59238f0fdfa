import type { SeriesFacts, SeriesSummary } from './PacsAdapter.js';

/** Which series auto-processing takes. Every given criterion must match; omitted ones match anything. */
export interface SeriesRule {
  readonly name: string;
  readonly modalities?: readonly string[];
  readonly sopClassUids?: readonly string[];
  /** Shortcut for the VL Endoscopic and Video Endoscopic SOP classes (and modality ES). */
  readonly endoscopy?: boolean;
  /** Regular expression (case-insensitive) on SeriesDescription. */
  readonly descriptionPattern?: string;
  /** Regular expression (case-insensitive) on ConvolutionKernel. */
  readonly kernelPattern?: string;
  /** Only series at or below this CTDIvol (mGy): a low-dose filter. A series without CTDIvol does not match. */
  readonly maxCtdiVol?: number;
}

const ENDOSCOPY = new Set(['1.2.840.10008.5.1.4.1.1.77.1.1', '1.2.840.10008.5.1.4.1.1.77.1.1.1']);

/** Our description suffix (derivedSeriesSpec): "[GSDiff]", then the strength when the run recorded one. */
const OURS = /\[GSDiff\](?: strength (?:low|medium|high))?\s*$/;

/**
 * True when a series is our own output or another derived image series: auto-processing must never restore its own
 * output (a loop). Endoscopy imports are DERIVED\\PRIMARY by nature (decoded from video), so for them only our
 * "[GSDiff]" description suffix (with or without "strength <level>") counts.
 */
export function isDerived(summary: SeriesSummary, facts: SeriesFacts): boolean {
  const ours = OURS.test(summary.seriesDescription ?? facts.seriesDescription ?? '');
  const derivedImage = facts.imageType?.[0]?.toUpperCase() === 'DERIVED' && !ENDOSCOPY.has(facts.sopClassUid ?? '');
  return ours || derivedImage;
}

/** The first rule a series matches, or undefined. Derived series (including our own output) never match. */
export function matchRule(
  rules: readonly SeriesRule[],
  summary: SeriesSummary,
  facts: SeriesFacts,
): SeriesRule | undefined {
  if (isDerived(summary, facts)) return undefined;
  const modality = (facts.modality ?? summary.modality ?? '').toUpperCase();
  return rules.find((r) => {
    if (r.modalities && !r.modalities.map((m) => m.toUpperCase()).includes(modality)) return false;
    if (r.sopClassUids && !r.sopClassUids.includes(facts.sopClassUid ?? '')) return false;
    if (r.endoscopy !== undefined && r.endoscopy !== (modality === 'ES' || ENDOSCOPY.has(facts.sopClassUid ?? '')))
      return false;
    if (
      r.descriptionPattern &&
      !new RegExp(r.descriptionPattern, 'i').test(summary.seriesDescription ?? facts.seriesDescription ?? '')
    )
      return false;
    if (r.kernelPattern && !new RegExp(r.kernelPattern, 'i').test(facts.convolutionKernel ?? '')) return false;
    if (r.maxCtdiVol !== undefined && !(facts.ctdiVol !== undefined && facts.ctdiVol <= r.maxCtdiVol)) return false;
    return true;
  });
}
