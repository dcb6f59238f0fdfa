import type { NpsResult } from '../metrics/index.js';

/** One row of the per-slice table. NaN where a figure does not apply (no reference, no ROI). */
export interface SliceRow {
  readonly index: number;
  readonly position?: number;
  /** PSNR / SSIM per window name (metric, chest, abdomen, neuro; '8-bit' for colour). */
  readonly psnr: Readonly<Record<string, number>>;
  readonly ssim: Readonly<Record<string, number>>;
  readonly rmse: number;
  readonly noiseSd: number;
  readonly cnr: number;
  /** Flicker of the pair (index-1, index) against the reference, or the temporal difference energy without one. */
  readonly flickerPair: number;
  /** Warping error of the pair (index-1, index), colour series only. */
  readonly warpPair: number;
}

/** Per-series summary of one method. */
export interface MethodSummary {
  /** Mean of the per-frame PSNRs (+∞ when a frame equals its reference). */
  readonly psnr: Readonly<Record<string, number>>;
  /** PSNR of the mean squared error over all frames' pixels: finite unless every frame is identical. */
  readonly psnrPooled: Readonly<Record<string, number>>;
  readonly ssim: Readonly<Record<string, number>>;
  readonly rmse: number;
  readonly noiseSd: number;
  readonly cnr: number;
  /** Paired: flicker vs the reference; no-reference: temporal difference energy. */
  readonly flicker: number;
  readonly warpingError: number;
  readonly nps?: Omit<NpsResult, 'spectrum2d'>;
  readonly seconds: number;
  readonly framesPerSecond: number;
}

/** Everything measured for one method. */
export interface MethodResult {
  readonly name: string;
  readonly kind: 'input' | 'pack' | 'series';
  /** Pack folder, name, version and sha256 for reproducibility. */
  readonly pack?: { readonly dir: string; readonly name: string; readonly version: string; readonly sha256: string };
  readonly source?: string;
  readonly rows: readonly SliceRow[];
  readonly summary: MethodSummary;
}
