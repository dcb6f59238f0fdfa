import { describeThrown } from '../../common/index.js';
import { modelError } from '../errors.js';
import type { DenoiserPack } from '../pack/loadPack.js';
import { f32, outputData } from './tensors.js';

/**
 * A denoiser pack's one network on one tile: `frames` [1, 3, H, W] in model range -> `restored` [1, 3, H, W].
 * @param pack - a loaded DenoiserPipeline pack
 * @param tile - [3, height, width], model range
 * @returns the restored tile, [3, height, width], model range
 * @throws MODEL_ERR_INFERENCE when onnxruntime fails or the output is not [1, 3, height, width]
 */
export async function runDenoiser(
  pack: DenoiserPack,
  tile: Float32Array,
  height: number,
  width: number,
): Promise<Float32Array> {
  let out;
  try {
    out = await pack.sessions.denoiser.run({ frames: f32(tile, [1, 3, height, width]) });
  } catch (e) {
    throw modelError(
      'MODEL_ERR_INFERENCE',
      `runDenoiser: pack "${pack.index.name}" denoiser failed on a 3x${height}x${width} tile: ${describeThrown(e)}`,
      { pack: pack.index.name, component: 'denoiser', stage: 'denoiser' },
      e,
    );
  }
  const dims = out.restored.dims;
  if (dims.length !== 4 || dims[0] !== 1 || dims[1] !== 3 || dims[2] !== height || dims[3] !== width)
    throw modelError(
      'MODEL_ERR_INFERENCE',
      `runDenoiser: pack "${pack.index.name}" denoiser output "restored": expected [1, 3, ${height}, ${width}], got [${dims.join(', ')}]`,
      { pack: pack.index.name, component: 'denoiser', stage: 'denoiser' },
    );
  return outputData(out, 'restored');
}
