import type { Strength } from '../pipeline/Strength.js';

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

/** The component names of a denoiser pack: one network (models/README.md, "DenoiserPipeline"). */
export const DENOISER_COMPONENTS = ['denoiser'] as const;

export type DenoiserComponentName = (typeof DENOISER_COMPONENTS)[number];

/** The pack classes `_class_name` may name. */
export const PACK_CLASSES = ['GSDiffPipeline', 'DenoiserPipeline', 'FilterPipeline'] as const;

export type PackClass = (typeof PACK_CLASSES)[number];

export interface CtMapping {
  readonly low_hu: number;
  readonly high_hu: number;
}

export interface RgbMapping {
  readonly scale: number;
  readonly offset: number;
}

/** Fields every pack class shares. */
interface PackIndexBase {
  readonly format_version: 1;
  readonly name: string;
  readonly version: string;
  readonly files: Readonly<Record<string, string>>;
  readonly tile: { readonly height: number; readonly width: number };
  readonly mapping: { readonly ct: CtMapping; readonly rgb: RgbMapping };
  /** Free-form provenance (training steps, data, seeds); kept, never interpreted by the runtime. */
  readonly training?: Readonly<Record<string, unknown>>;
}

/** model_index.json of a GSDiff pack, validated and frozen. */
export interface GsdiffModelIndex extends PackIndexBase {
  readonly _class_name: 'GSDiffPipeline';
  readonly components: Readonly<Record<ComponentName, string>>;
  readonly tokenizer: { readonly vocab: string; readonly merges: string; readonly max_length: number };
  readonly recognizer_labels: string;
  readonly scheduler: string;
  readonly grid: { readonly rows: number; readonly cols: number };
  readonly latent: { readonly channels: number; readonly downscale: number; readonly scaling_factor: number };
  readonly defaults: {
    readonly steps: number;
    readonly strength: number;
    /**
     * Scale of the noise drawn into an img2img start (strength < 1): 1 = diffusers (default when absent), 0 = a
     * deterministic start z_t = sqrt(abar_t) f_d, for packs whose U-Net cannot predict that noise (gsdiff-s).
     */
    readonly start_noise: number;
    /**
     * 'matched': one DDIM step to x0 from the timestep matched to each window's estimated noise level, in
     * [1, start_t_max] (models/scheduler/matchedTimestep.ts; the joint stage trains that path); a number: one step
     * to x0 from that timestep. Absent: the schedule that steps and strength give (gsdiff-s: one step at t = 1).
     */
    readonly start_timestep?: 'matched' | number;
    readonly start_t_max?: number;
    readonly eta: number;
    readonly window_stride: number;
    readonly tile_overlap: number;
  };
  readonly prompts: { readonly recognition: string; readonly template: string };
  /**
   * Optional: the TRN as a per-frame graph (`components.trn_frame`; models/README.md "Per-frame TRN"): `looks`
   * [N, 3 (2 radius + 1), H, W], a frame and its radius neighbours on either side stacked as channels, -> `refined`
   * [N, 3, H, W]. With it the runtime runs the TRN once per frame on whole frames with the series' true neighbours.
   */
  readonly trn_frame?: {
    readonly component: string;
    readonly radius: number;
    /**
     * Optional: how each restoration strength acts in this pack (models/README.md "Strength"): its own per-frame TRN
     * graph (same I/O as `component`) and blend weight. Present: all three strengths.
     */
    readonly strengths?: Readonly<Record<Strength, TrnStrengthSpec>>;
    /**
     * Optional: the per-frame TRN graph for RGB series (capsule, endoscopy), trained separately for deblurring
     * (models/README.md "Per-frame TRN"). Present: RGB series run it, with its own radius and blend weights; CT series
     * never do. Absent: RGB series run the graphs above, as CT does.
     */
    readonly rgb?: TrnRgbSpec;
    /**
     * Optional (absent: true): false makes the series that run the graphs above (CT; RGB ones too where the pack has
     * no `rgb` graph) skip the diffusion branch by default, V_r = T(V_d), for a pack whose branch measured worse than
     * its TRN alone (docs/RESULTS.md "Step 12", session 7). A caller's `branches` wins; the derivation records it.
     */
    readonly diffusion?: boolean;
  };
}

/**
 * One row of `trn_frame.strengths`: the per-frame TRN graph exported at one mix of the TRN's two outputs, the blend
 * weight applied after it, and the mix itself, recorded in derived series.
 */
export interface TrnStrengthSpec {
  /** The graph's ONNX file, relative to the pack (signed in `files` like every other). */
  readonly component: string;
  /** Blend with the input, out = input + weight (restored - input); in (0, 1]. */
  readonly weight: number;
  /** The mix beta in [0, 1]: 0 keeps the full-dose reference's own noise texture, 1 removes it too. */
  readonly own_noise_removed: number;
}

/**
 * `trn_frame.rgb`: the per-frame TRN graph RGB series run, with the same I/O as `trn_frame.component` at its own
 * radius, and the blend weight each strength applies after it (there is one graph, not one per strength).
 */
export interface TrnRgbSpec {
  /** The graph's ONNX file, relative to the pack (signed in `files` like every other). */
  readonly component: string;
  /** Neighbours on either side in `looks`: 3 (2 radius + 1) input channels. */
  readonly radius: number;
  /** Blend with the input per strength, out = input + weight (restored - input); each in [0, 1]. */
  readonly weights: Readonly<Record<Strength, number>>;
  /**
   * Whether RGB series run the diffusion branch before this graph (default true). False where the pack's diffusion
   * branch learned its correction against another TRN and costs quality on RGB series (docs/RESULTS.md "Step 12").
   */
  readonly diffusion: boolean;
}

/** model_index.json of a single-network denoiser pack (a baseline such as RED-CNN), validated and frozen. */
export interface DenoiserModelIndex extends PackIndexBase {
  readonly _class_name: 'DenoiserPipeline';
  readonly components: Readonly<Record<DenoiserComponentName, string>>;
  readonly defaults: { readonly tile_overlap: number };
}

/** The classical filters a FilterPipeline pack may name (models/README.md, "FilterPipeline"). */
export const FILTER_KINDS = ['identity', 'bilateral'] as const;

export type FilterKind = (typeof FILTER_KINDS)[number];

/** What a FilterPipeline pack runs: nothing (identity, the input through the same mapping), or OpenCV's bilateral filter. */
export type FilterSpec =
  | { readonly kind: 'identity' }
  | {
      readonly kind: 'bilateral';
      /** Pixel neighbourhood diameter (OpenCV `d`). */
      readonly diameter: number;
      /** Range sigma for CT, in HU (converted to model units through mapping.ct). */
      readonly sigma_color_hu: number;
      /** Range sigma for colour frames, in 8-bit levels (converted through mapping.rgb). */
      readonly sigma_color_rgb: number;
      /** Spatial sigma in pixels. */
      readonly sigma_space_px: number;
    };

/** model_index.json of a classical-filter pack (no network, no files): a baseline run through the same runtime. */
export interface FilterModelIndex extends PackIndexBase {
  readonly _class_name: 'FilterPipeline';
  readonly filter: FilterSpec;
  readonly defaults: { readonly tile_overlap: number };
}

/** model_index.json of any pack class; `_class_name` tells them apart. */
export type ModelIndex = GsdiffModelIndex | DenoiserModelIndex | FilterModelIndex;
