import type { GsdiffPack } from '../pack/loadPack.js';
import { f32, outputData } from './tensors.js';

/**
 * Stages 8-9: T(V_d) from the Tail Refine Network over the window's k degraded frames, then
 * V_r = (D_V(V_d) - V_d) + T(V_d) per frame (the paper's output formula).
 */
export async function refineTail(
  pack: GsdiffPack,
  degraded: readonly Float32Array[],
  decoded: readonly Float32Array[],
  height: number,
  width: number,
): Promise<Float32Array[]> {
  const per = 3 * height * width;
  const k = degraded.length;
  const stack = new Float32Array(per * k);
  degraded.forEach((f, i) => stack.set(f, i * per));
  const out = await pack.sessions.trn.run({ frames: f32(stack, [1, k, 3, height, width]) });
  const t = outputData(out, 'refined');
  return degraded.map((vd, i) => {
    const dv = decoded[i];
    const r = new Float32Array(per);
    const o = i * per;
    for (let j = 0; j < per; j++) r[j] = dv[j] - vd[j] + t[o + j];
    return r;
  });
}
