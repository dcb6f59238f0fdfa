import type { ComponentName, DenoiserComponentName } from './ModelIndex.js';

/** One tensor of the contract: its name, accepted dtypes and rank (models/README.md, "Component I/O"). */
export interface TensorSpec {
  readonly name: string;
  readonly dtypes: readonly string[];
  /** Accepted ranks; timestep may be a scalar or [B]. */
  readonly ranks: readonly number[];
}

const f32 = (name: string, rank: number): TensorSpec => ({ name, dtypes: ['float32'], ranks: [rank] });
const timestep: TensorSpec = { name: 'timestep', dtypes: ['float32', 'int64'], ranks: [0, 1] };

/** Fixed inputs and outputs per component; the U-Net/DPM residual set is discovered (see residualNames). */
export const CONTRACT: Readonly<
  Record<ComponentName, { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] }>
> = {
  vae_encoder: { inputs: [f32('sample', 4)], outputs: [f32('latent_sample', 4)] },
  vae_decoder: { inputs: [f32('latent_sample', 4)], outputs: [f32('sample', 4)] },
  unet: { inputs: [f32('sample', 4), timestep, f32('encoder_hidden_states', 3)], outputs: [f32('out_sample', 4)] },
  dpm: { inputs: [f32('f_d', 4), f32('z_t', 4), timestep, f32('z_d', 3)], outputs: [] },
  degradation_extractor: { inputs: [f32('image_embeds', 2), f32('text_embeds', 2)], outputs: [f32('z_d', 3)] },
  clip_image_encoder: { inputs: [f32('pixel_values', 4)], outputs: [f32('image_embeds', 2)] },
  clip_text_encoder: {
    inputs: [{ name: 'input_ids', dtypes: ['int32', 'int64'], ranks: [2] }],
    outputs: [f32('text_embeds', 2)],
  },
  degradation_recognizer: { inputs: [f32('pixel_values', 4)], outputs: [f32('logits', 2)] },
  trn: { inputs: [f32('frames', 5)], outputs: [f32('refined', 5)] },
};

/** The optional per-frame TRN of a GSDiff pack (GsdiffModelIndex.trn_frame). */
export const TRN_FRAME_CONTRACT: Readonly<
  Record<'trn_frame', { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] }>
> = {
  trn_frame: { inputs: [f32('looks', 4)], outputs: [f32('refined', 4)] },
};

/** A denoiser pack's one network: model-range frames in, restored frames out (models/README.md). */
export const DENOISER_CONTRACT: Readonly<
  Record<DenoiserComponentName, { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] }>
> = {
  denoiser: { inputs: [f32('frames', 4)], outputs: [f32('restored', 4)] },
};

export const MID_RESIDUAL = 'mid_block_additional_residual';
const DOWN_RESIDUAL = /^down_block_additional_residual_(\d+)$/;

/**
 * The ControlNet-style residual inputs of a U-Net, in diffusers order: down_block_additional_residual_0..N-1 then
 * the mid-block residual. Returns undefined with a reason when the set is not contiguous or the mid one is missing.
 */
export function residualNames(inputNames: readonly string[]): { names: string[] } | { problem: string } {
  const idx = inputNames
    .map((n) => DOWN_RESIDUAL.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  if (idx.length === 0) return { problem: 'no down_block_additional_residual_<i> inputs' };
  const gap = idx.findIndex((v, i) => v !== i);
  if (gap >= 0) return { problem: `down_block_additional_residual_${gap} missing (indices must run 0..N-1)` };
  if (!inputNames.includes(MID_RESIDUAL)) return { problem: `${MID_RESIDUAL} missing` };
  return { names: [...idx.map((i) => `down_block_additional_residual_${i}`), MID_RESIDUAL] };
}
