import type * as ort from 'onnxruntime-node';
import type { GsdiffPack } from '../pack/loadPack.js';
import type { Guidance } from './encodeGuidance.js';
import { f32, outputData, timestepTensor } from './tensors.js';

/**
 * One model evaluation of stage 5-6: the DPM turns (f_d, z_t, t, Z_d) into the multi-scale residuals, which enter the
 * U-Net by name next to (z_t, t, Z_d); returns the U-Net's prediction (ε or v, per the scheduler config).
 */
export async function predictNoise(
  pack: GsdiffPack,
  zT: Float32Array,
  fD: Float32Array,
  timestep: number,
  guidance: Guidance,
  latentDims: readonly number[],
): Promise<Float32Array> {
  const { timestepType, timestepRank, residuals } = pack.shapes;
  const zd = f32(guidance.zD, guidance.zDDims);
  const sample = f32(zT, latentDims);
  const dpmOut = await pack.sessions.dpm.run({
    f_d: f32(fD, latentDims),
    z_t: sample,
    timestep: timestepTensor(timestep, timestepType.dpm, timestepRank.dpm),
    z_d: zd,
  });
  const feeds: Record<string, ort.Tensor> = {
    sample,
    timestep: timestepTensor(timestep, timestepType.unet, timestepRank.unet),
    encoder_hidden_states: zd,
  };
  for (const name of residuals) feeds[name] = dpmOut[name];
  const out = await pack.sessions.unet.run(feeds);
  return outputData(out, 'out_sample');
}
