import type { GsdiffPack } from '../pack/loadPack.js';
import { clipPixelValues } from './clipPixelValues.js';
import { f32, outputData, tokenTensor } from './tensors.js';

export interface Guidance {
  /** Degradation embedding, [1, S, D]: the U-Net's encoder_hidden_states and the DPM's z_d. */
  readonly zD: Float32Array;
  readonly zDDims: readonly number[];
}

/**
 * Stage 2-3 of GSDIFF.md: CLIP dual branch and the Degradation Extractor. Image branch F_I = mean over the window's
 * k frames of E_I(frame) (one batched call); text branch F_T = E_T(prompt ids), computed once per series and passed
 * in; Z_d = extractor(F_I, F_T).
 */
export async function encodeGuidance(
  pack: GsdiffPack,
  frames: readonly Float32Array[],
  height: number,
  width: number,
  textEmbeds: Float32Array,
): Promise<Guidance> {
  const r = pack.shapes.clipImageSize ?? height;
  const per = 3 * r * r;
  const batch = new Float32Array(per * frames.length);
  frames.forEach((f, i) => batch.set(clipPixelValues(f, height, width, r), i * per));
  const img = await pack.sessions.clip_image_encoder.run({ pixel_values: f32(batch, [frames.length, 3, r, r]) });
  const all = outputData(img, 'image_embeds');
  const d = all.length / frames.length;
  const mean = new Float32Array(d);
  for (let i = 0; i < frames.length; i++) for (let j = 0; j < d; j++) mean[j] += all[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= frames.length;
  const out = await pack.sessions.degradation_extractor.run({
    image_embeds: f32(mean, [1, d]),
    text_embeds: f32(textEmbeds, [1, textEmbeds.length]),
  });
  return { zD: outputData(out, 'z_d'), zDDims: out.z_d.dims };
}

/** F_T: the CLIP text embedding of the filled template. */
export async function encodeText(pack: GsdiffPack, ids: readonly number[]): Promise<Float32Array> {
  const out = await pack.sessions.clip_text_encoder.run({ input_ids: tokenTensor(ids, pack.shapes.inputIdsType) });
  return outputData(out, 'text_embeds').slice();
}
