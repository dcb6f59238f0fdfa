import type { HeaderFacts } from '../../models/index.js';

/**
 * A series under validation, with frames read on demand (a long series is never held whole): what `gsdiff validate`
 * resolves every source to (a folder, the local store, a PACS).
 */
export interface ValidationSeries {
  /** Where it came from, as the user named it (folder, `store:<uid>`, `pacs:<source>/<study>/<series>`). */
  readonly label: string;
  readonly kind: 'ct' | 'rgb';
  readonly count: number;
  readonly height: number;
  readonly width: number;
  /** In-plane pixel size, mm (row spacing, column spacing); NPS needs it, 1 mm when the header has none. */
  readonly pixelSpacingMm: readonly [number, number];
  /** False when the headers give no pixel spacing (video, secondary capture): NPS frequencies are then per pixel. */
  readonly pixelSpacingKnown?: boolean;
  readonly seriesInstanceUid?: string;
  readonly description?: string;
  /** Slice positions along the normal (mm) or frame times, one per frame, for the per-slice tables. */
  readonly positions?: readonly number[];
  /** Header facts for the runtime's degradation prior. */
  readonly header: HeaderFacts;
  /** Frame i: HU (CT) or interleaved RGB bytes. */
  frame(i: number): Promise<Float32Array | Uint8Array>;
}
