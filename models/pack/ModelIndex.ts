/** The component names of a GSDiff pack (models/README.md). */
export const COMPONENTS = [
  'vae_encoder',
  'vae_decoder',
  'unet',
  'dpm',
  'trn',
  'degradation_extractor',
  'clip_image_encoder',
  'clip_text_encoder',
  'degradation_recognizer',
] as const;

export type ComponentName = (typeof COMPONENTS)[number];

export interface CtMapping {
  readonly low_hu: number;
  readonly high_hu: number;
}

export interface RgbMapping {
  readonly scale: number;
  readonly offset: number;
}

/** model_index.json, validated and frozen. */
export interface ModelIndex {
  readonly _class_name: 'GSDiffPipeline';
  readonly format_version: 1;
  readonly name: string;
  readonly version: string;
  readonly components: Readonly<Record<ComponentName, string>>;
  readonly tokenizer: { readonly vocab: string; readonly merges: string; readonly max_length: number };
  readonly recognizer_labels: string;
  readonly scheduler: string;
  readonly files: Readonly<Record<string, string>>;
  readonly tile: { readonly height: number; readonly width: number };
  readonly grid: { readonly rows: number; readonly cols: number };
  readonly latent: { readonly channels: number; readonly downscale: number; readonly scaling_factor: number };
  readonly mapping: { readonly ct: CtMapping; readonly rgb: RgbMapping };
  readonly defaults: {
    readonly steps: number;
    readonly strength: number;
    readonly eta: number;
    readonly window_stride: number;
    readonly tile_overlap: number;
  };
  readonly prompts: { readonly recognition: string; readonly template: string };
}
