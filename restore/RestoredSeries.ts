import type { SeriesTimings } from '../models/index.js';
import type { DerivedSeriesSpec, RunStrength } from '../pacs-adapters/index.js';

/** What one `restoreDicomSeries` run did. */
export interface RestoredSeries {
  /** The derived series' SeriesInstanceUID, SeriesNumber, SeriesDescription and creation moment. */
  readonly derivedSeries: DerivedSeriesSpec;
  /** The text the run conditioned on (recognised or chosen); 'not used by denoiser packs' for those. */
  readonly degradation: string;
  readonly strength: RunStrength;
  /** restoreSeries' own per-stage milliseconds, `total` included. */
  readonly timings: SeriesTimings;
  readonly frames: number;
  readonly instances: number;
  /** Pixels clamped to the stored range when written back through the source rescale. */
  readonly clippedPixels: number;
  /** Windows along z/time (a denoiser pack runs one per frame). */
  readonly windows: number;
  readonly tilesPerFrame: number;
  /** GSDiff tile-windows passed through as air (CT, skipAir); 0 otherwise. */
  readonly airTileWindows: number;
}
