import type { Logger } from '../common/index.js';
import type { Strength, VlmOptions } from '../models/index.js';
import type { DerivedVideoEncoding } from '../pacs-adapters/index.js';

/** denoise / deblur condition a GSDiff pack on its own noise / blur label; auto lets the pack recognise. */
export type RestoreTask = 'denoise' | 'deblur' | 'auto';

/**
 * How `restoreDicomSeries` runs. The device is the loaded pack's (loadPack, the server's PackPool). Options marked
 * GSDiff reach GSDiff packs only: a denoiser or filter pack has no use for them, so they are not passed on.
 */
export interface RestoreDicomOptions {
  /** Seeds the diffusion noise: one seed restores the same pixels. Recorded in GSDiff derivations. */
  readonly seed: number;
  /**
   * Every pack class (default DEFAULT_STRENGTH, medium): each restored frame blended with its input; shown in the
   * SeriesDescription and recorded with its weight in DerivationDescription.
   */
  readonly strength?: Strength;
  /** Default auto. A forced task is recorded in the derivation; for GSDiff it also picks the conditioning text. */
  readonly task?: RestoreTask;
  /** GSDiff: condition on this text (a reader's choice) instead of recognising it; wins over the task's label. */
  readonly degradation?: string;
  /** GSDiff: DDIM steps (default: the pack's `defaults.steps`). */
  readonly steps?: number;
  /** GSDiff: diffusers' img2img strength in (0, 1] (default: the pack's `defaults.strength`). */
  readonly img2imgStrength?: number;
  /** GSDiff, CT: false restores air tiles too (default true: they pass through unchanged). */
  readonly skipAir?: boolean;
  /** GSDiff: recognise the degradation with this vision-language server (default: the pack's recognizer). */
  readonly vlm?: Omit<VlmOptions, 'prompt'>;
  /**
   * RGB series (video endoscopic, capsule): write the derived instances as H.264 or HEVC video for archives that
   * expect video, with LossyImageCompression, its method and ratio recorded. Absent (default): lossless, as always.
   */
  readonly video?: DerivedVideoEncoding;
  /** SeriesNumbers the study already uses: the derived series takes source + 1000, stepping past them. */
  readonly takenSeriesNumbers?: Iterable<number>;
  /** Recorded in every derived instance (ContributingEquipment). */
  readonly softwareVersion: string;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}
