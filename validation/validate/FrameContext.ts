import type { Roi } from '../metrics/index.js';

/** What every method's frame i is measured against: shared by all methods, so their figures are comparable. */
export interface FrameContext {
  readonly index: number;
  /** Reference frame (HU, or luma for colour), paired mode only. */
  readonly reference?: Float32Array;
  /** The degraded input frame (HU, or luma). */
  readonly input: Float32Array;
  /** The input's colour frame (colour series), for strips. */
  readonly inputRgb?: Uint8Array;
  readonly referenceRgb?: Uint8Array;
  /** Homogeneous ROIs for noise SD (placed once per frame on the reference, or on the input without one). */
  readonly noiseRois: readonly Roi[];
  /** Signal and background ROIs for CNR, when two could be placed or were given. */
  readonly cnr?: { readonly signal: Roi; readonly background: Roi };
  /** Power-of-two ROIs for the NPS. */
  readonly npsRois: readonly Roi[];
}
