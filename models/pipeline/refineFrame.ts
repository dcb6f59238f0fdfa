import type { GsdiffPack } from '../pack/loadPack.js';
import { f32, outputData } from './tensors.js';

/** A series frame in model range [3, H, W], by index. */
export type FrameGetter = (index: number) => Promise<Float32Array>;

/**
 * The look at series offset `i` for a series of `count` frames: mirrored at the series' ends without repeating the end
 * frame (-1 -> 1), as the TRN's training mirrors at a window's ends (gsdiff/trn_tconv.py), so an end frame never sees
 * a copy of its own noise as if it were an independent look.
 */
export function mirrorIndex(i: number, count: number): number {
  if (count === 1) return 0;
  let j = i;
  while (j < 0 || j >= count) j = j < 0 ? -j : 2 * (count - 1) - j;
  return j;
}

/**
 * T(V_d) of frame `index` with the pack's per-frame TRN: the frame and its `radius` neighbours on either side, the
 * series' own (mirrored at its ends), stacked as the `looks` channels of one whole frame.
 * @returns the refined frame, [3, H, W] model range
 */
export async function refineFrame(
  trn: Pick<NonNullable<GsdiffPack['trnFrame']>, 'session' | 'radius'>,
  frame: FrameGetter,
  index: number,
  count: number,
  height: number,
  width: number,
): Promise<Float32Array> {
  const per = 3 * height * width;
  const looks = new Float32Array(per * (2 * trn.radius + 1));
  for (let d = -trn.radius; d <= trn.radius; d++) {
    looks.set(await frame(mirrorIndex(index + d, count)), (d + trn.radius) * per);
  }
  const out = await trn.session.run({ looks: f32(looks, [1, 3 * (2 * trn.radius + 1), height, width]) });
  return outputData(out, 'refined');
}
