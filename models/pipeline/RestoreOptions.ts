import type { Logger } from '../../common/index.js';
import type { HeaderFacts } from '../degradation/headerPrior.js';
import type { VlmOptions } from '../degradation/vlmRecognizer.js';
import type { NoiseSource } from './restoreWindow.js';

/**
 * Options of `restoreSeries`. GSDiff packs use all of them; denoiser packs use only `tileOverlap`, `signal` and
 * `logger` (the sampling and recognition options are ignored, and said so once in the log).
 */
export interface RestoreOptions {
  readonly noise: NoiseSource;
  readonly header: HeaderFacts;
  readonly steps?: number;
  readonly strength?: number;
  /** Scale of the noise drawn into an img2img start (default: the pack's defaults.start_noise). */
  readonly startNoise?: number;
  readonly eta?: number;
  readonly windowStride?: number;
  readonly tileOverlap?: number;
  /**
   * CT only, default true: tiles that are air (isAirTile, in every frame of the window) pass through unchanged
   * instead of through the networks. False restores every tile (e.g. to compare noise outside the patient).
   */
  readonly skipAir?: boolean;
  readonly vlm?: Omit<VlmOptions, 'prompt'>;
  /** Use this degradation text instead of recognising it (e.g. a reader's choice). */
  readonly degradation?: string;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}
