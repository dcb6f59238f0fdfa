import type { DerivedInstance, DerivedSeriesSpec, DicomInstance } from '../pacs-adapters/index.js';

/** Where a restored series goes: opened once with the derived series' identity, before anything is written. */
export interface DerivedSeriesSink {
  /** Record the identity (e.g. a job's derived UID) here: a restart can then tell whether it was published. */
  open(derived: DerivedSeriesSpec): Promise<DerivedSeriesOutput>;
}

/** The output of one run, in the order the run produces it. */
export interface DerivedSeriesOutput {
  /** Once, before the first frame: the text the run conditions on ('not used by denoiser packs' for those). */
  degradation?(phrase: string): void;
  /** Restored frame `index` of `series.slices`, in order (HU for greyscale, interleaved RGB); resolve once held. */
  frame(index: number, values: Float32Array | Uint8Array, total: number): Promise<void> | void;
  /** A complete derived instance, and the source instance it derives from. */
  instance(derived: DerivedInstance, source: DicomInstance): Promise<void> | void;
  /** After the last instance, still inside the run: a failure here aborts like any other. */
  close?(): Promise<void>;
  /** On any failure or cancellation after `open`: nothing of the series may remain. Its own failure is ignored. */
  abort?(): Promise<void>;
}
