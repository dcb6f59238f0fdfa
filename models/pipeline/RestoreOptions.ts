import type { Logger } from '../../common/index.js';
import type { HeaderFacts } from '../degradation/headerPrior.js';
import type { VlmOptions } from '../degradation/vlmRecognizer.js';
import type { Branches, NoiseSource } from './restoreWindow.js';
import type { Strength } from './Strength.js';

/**
 * Options of `restoreSeries`. GSDiff packs use all of them; denoiser and filter packs use only `strength`,
 * `tileOverlap`, `signal` and `logger` (the sampling and recognition options are ignored, and said so once in the
 * log).
 */
export interface RestoreOptions {
  readonly noise: NoiseSource;
  readonly header: HeaderFacts;
  /**
   * Restoration strength, every pack class (default DEFAULT_STRENGTH, medium): each frame's output is blended with
   * its input, out = input + w (restored - input), w from strengthAction: for an RGB series the pack's
   * `trn_frame.rgb.weights` when it has an RGB graph, else the pack's `trn_frame.strengths` row (which also picks that
   * strength's per-frame TRN graph) when it has one, else STRENGTH_WEIGHTS (models/README.md "Strength").
   */
  readonly strength?: Strength;
  readonly steps?: number;
  /**
   * GSDiff only: diffusers' img2img strength, the fraction of the DDIM schedule run, in (0, 1]; 1 starts from pure
   * noise (default: the pack's `defaults.strength`). Not the restoration `strength` above.
   */
  readonly img2imgStrength?: number;
  /** Scale of the noise drawn into an img2img start (default: the pack's defaults.start_noise). */
  readonly startNoise?: number;
  /**
   * GSDiff only: one step to x̂₀ from this timestep, or from the one matched to each window's noise ('matched'); default
   * the pack's defaults.start_timestep, else the steps/strength schedule.
   */
  readonly startTimestep?: number | 'matched';
  /** GSDiff only, the ablation of docs/RESULTS.md: 'trn-only' (no diffusion branch) or 'diffusion-only' (no TRN). */
  readonly branches?: Branches;
  /**
   * GSDiff packs with a per-frame TRN (model_index trn_frame), default true: the TRN runs once per frame on the whole
   * frame with the series' true neighbours, and the tile-windows give only the diffusion branch's correction. False
   * runs the window graph per tile-window, as packs without one do (the comparison of docs/BENCHMARKS.md).
   */
  readonly trnPerFrame?: boolean;
  readonly eta?: number;
  readonly windowStride?: number;
  /**
   * GSDiff only: frames that begin a new scene (a capsule run), increasing, each in [1, count). No window spans one,
   * so frames of two scenes are never restored together. Default: none, one scene.
   */
  readonly segmentStarts?: readonly number[];
  readonly tileOverlap?: number;
  /**
   * CT only, default true: tiles that are air (isAirTile, in every frame of the window) pass through unchanged
   * instead of through the networks, and the air outside the patient stays unchanged in restored tiles too
   * (keepOutsideAir). False restores every tile (e.g. to compare noise outside the patient).
   */
  readonly skipAir?: boolean;
  readonly vlm?: Omit<VlmOptions, 'prompt'>;
  /** Use this degradation text instead of recognising it (e.g. a reader's choice). */
  readonly degradation?: string;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}
