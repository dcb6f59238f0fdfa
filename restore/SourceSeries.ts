import type { AssembledSeries, DicomInstance } from '../pacs-adapters/index.js';

/** A DICOM series to restore: its assembly, and its instances held in memory or read again from disk on demand. */
export interface SourceSeries {
  /**
   * The frames restored are `series.slices`, in that order. Part of a series is a copy with fewer slices, whole
   * instances only: a derived instance holds every frame of its source.
   */
  readonly series: AssembledSeries;
  /** The parsed instance of a SOPInstanceUID; asked for every frame, so a re-reading caller should cache a few. */
  instance(sopInstanceUid: string): DicomInstance | Promise<DicomInstance>;
}
