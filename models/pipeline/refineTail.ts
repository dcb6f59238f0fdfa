import type { GsdiffPack } from '../pack/loadPack.js';
import { f32, outputData } from './tensors.js';

/**
 * Stage 8: T(V_d), the Tail Refine Network over a window's k degraded frames (model range, [3, H, W] each, H and W
 * multiples of the pack's tile) in one call. Returns the k refined frames.
 */
export async function refineFrames(
  pack: GsdiffPack,
  degraded: readonly Float32Array[],
  height: number,
  width: number,
): Promise<Float32Array[]> {
  const per = 3 * height * width;
  const k = degraded.length;
  const stack = new Float32Array(per * k);
  degraded.forEach((f, i) => stack.set(f, i * per));
  const out = await pack.sessions.trn.run({ frames: f32(stack, [1, k, 3, height, width]) });
  const t = outputData(out, 'refined');
  return degraded.map((_, i) => t.subarray(i * per, (i + 1) * per));
}

/** Stage 9, the paper's output formula: V_r = (D_V - V_d) + T(V_d), per frame. */
export function combineTail(
  degraded: readonly Float32Array[],
  decoded: readonly Float32Array[],
  refined: readonly Float32Array[],
): Float32Array[] {
  return degraded.map((vd, i) => {
    const dv = decoded[i];
    const t = refined[i];
    const r = new Float32Array(vd.length);
    for (let j = 0; j < r.length; j++) r[j] = dv[j] - vd[j] + t[j];
    return r;
  });
}
