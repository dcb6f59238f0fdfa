import type { DegradationEstimate } from '../degradation/DegradationEstimate.js';
import type { StageTimings } from './StageTimings.js';

/** Milliseconds of a GSDiff run: the model stages, recognition, and the rest. */
export interface GsdiffSeriesTimings extends StageTimings {
  recognition: number;
  /** Mapping, tiling and blending outside the model stages. */
  other: number;
  total: number;
}

/** Milliseconds of a denoiser-pack run: the network, and the rest. */
export interface DenoiserSeriesTimings {
  /** The denoiser network, over every tile of every frame. */
  denoiser: number;
  /** Mapping, tiling and blending outside the network. */
  other: number;
  total: number;
}

/** Per-stage milliseconds of one `restoreSeries` run; which stages depends on the pack class. */
export type SeriesTimings = GsdiffSeriesTimings | DenoiserSeriesTimings;

export type RestoreEvent =
  | { readonly type: 'degradation'; readonly estimate: DegradationEstimate }
  | {
      readonly type: 'frame';
      readonly index: number;
      /** HU for CT, interleaved RGB for colour. */
      readonly values: Float32Array | Uint8Array;
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly type: 'done';
      readonly timings: SeriesTimings;
      /** Windows along z/time (a denoiser pack runs one per frame). */
      readonly windows: number;
      readonly tilesPerFrame: number;
      /** Diffusion tile-windows passed through as air (CT, `skipAir`); 0 or absent otherwise. */
      readonly airTileWindows?: number;
    };
