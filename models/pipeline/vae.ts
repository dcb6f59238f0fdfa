import type { GsdiffPack } from '../pack/loadPack.js';
import { f32, outputData } from './tensors.js';

/** E_V: image [3, H, W] in model range -> latent [C, H/f, W/f], multiplied by the pack's scaling factor. */
export async function vaeEncode(
  pack: GsdiffPack,
  image: Float32Array,
  height: number,
  width: number,
): Promise<Float32Array> {
  const out = await pack.sessions.vae_encoder.run({ sample: f32(image, [1, 3, height, width]) });
  const lat = outputData(out, 'latent_sample');
  const s = pack.index.latent.scaling_factor;
  const scaled = new Float32Array(lat.length);
  for (let i = 0; i < lat.length; i++) scaled[i] = lat[i] * s;
  return scaled;
}

/** D_V: scaled latent [C, h, w] -> image [3, h*f, w*f] in model range. */
export async function vaeDecode(pack: GsdiffPack, latent: Float32Array, h: number, w: number): Promise<Float32Array> {
  const s = pack.index.latent.scaling_factor;
  const unscaled = new Float32Array(latent.length);
  for (let i = 0; i < latent.length; i++) unscaled[i] = latent[i] / s;
  const out = await pack.sessions.vae_decoder.run({
    latent_sample: f32(unscaled, [1, pack.index.latent.channels, h, w]),
  });
  return outputData(out, 'sample');
}
