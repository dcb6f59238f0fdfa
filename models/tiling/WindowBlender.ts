import { modelError } from '../errors.js';
import type { WindowPlan } from './planWindows.js';

/** A series frame whose blend is final. */
export interface BlendedFrame {
  /** Series frame index. */
  readonly index: number;
  /** Σ_w w·x_w / Σ_w w over the windows that cover the frame. */
  readonly data: Float32Array;
}

/**
 * Accumulates restored windows in plan order and emits each frame as soon as no later window can touch it
 * (frame f is final once the next window starts after f), so a server can stream frames while the series is
 * still being restored. final(f) = Σ_w w_w(f)·x_w(f) / Σ_w w_w(f), accumulated in float64. Padding slots are
 * ignored. Memory: only the frames of the current window stay buffered.
 * @example
 * const blender = new WindowBlender(plan, 3 * H * W);
 * for (const w of plan.windows) for (const f of blender.push(restore(w))) send(f.index, f.data);
 */
export class WindowBlender {
  private readonly acc = new Map<number, { sum: Float64Array; weight: number }>();
  private nextWindowIndex = 0;
  private nextFrame = 0;

  /**
   * @param plan - from `planWindows`
   * @param frameLength - values per frame (e.g. 3·H·W)
   * @throws MODEL_ERR_BAD_OPTION for a frame length < 1
   */
  constructor(
    readonly plan: WindowPlan,
    readonly frameLength: number,
  ) {
    if (!Number.isInteger(frameLength) || frameLength < 1)
      throw modelError(
        'MODEL_ERR_BAD_OPTION',
        `WindowBlender: frameLength: expected an integer >= 1, got ${frameLength}`,
        {
          option: 'frameLength',
        },
      );
  }

  /** True once every window has been pushed (and so every frame emitted). */
  get finished(): boolean {
    return this.nextWindowIndex === this.plan.windows.length;
  }

  /** Index of the window `push` expects next. */
  get nextWindow(): number {
    return this.nextWindowIndex;
  }

  /**
   * Adds the restored output of the next window and returns the frames that became final, in order.
   * @param outputs - k arrays (one per slot, padding slots included), each `frameLength` long
   * @throws MODEL_ERR_BAD_INPUT when all windows were pushed already or the outputs have the wrong count/length
   */
  push(outputs: readonly Float32Array[]): BlendedFrame[] {
    const { windows, windowSize, length } = this.plan;
    const wi = this.nextWindowIndex;
    if (wi >= windows.length)
      throw modelError('MODEL_ERR_BAD_INPUT', `WindowBlender.push: expected no more windows, got window ${wi}`, {
        window: wi,
      });
    if (outputs.length !== windowSize)
      throw modelError(
        'MODEL_ERR_BAD_INPUT',
        `WindowBlender.push: window ${wi}: expected ${windowSize} frames, got ${outputs.length}`,
        { window: wi },
      );
    const win = windows[wi];
    const n = this.frameLength;
    for (let p = 0; p < windowSize; p++) {
      const x = outputs[p];
      if (x.length !== n)
        throw modelError(
          'MODEL_ERR_BAD_INPUT',
          `WindowBlender.push: window ${wi} slot ${p}: expected ${n} values, got ${x.length}`,
          { window: wi, slot: p },
        );
      if (win.padding[p]) continue;
      const f = win.frames[p];
      const w = win.weights[p];
      let a = this.acc.get(f);
      if (a === undefined) {
        a = { sum: new Float64Array(n), weight: 0 };
        this.acc.set(f, a);
      }
      const sum = a.sum;
      for (let i = 0; i < n; i++) sum[i] += w * x[i];
      a.weight += w;
    }
    this.nextWindowIndex = wi + 1;

    const until = wi + 1 < windows.length ? windows[wi + 1].start : length;
    const out: BlendedFrame[] = [];
    for (; this.nextFrame < until; this.nextFrame++) {
      const f = this.nextFrame;
      const a = this.acc.get(f);
      if (a === undefined) continue; // unreachable for a plan from planWindows (it covers every frame)
      const data = new Float32Array(n);
      const inv = a.weight;
      for (let i = 0; i < n; i++) data[i] = a.sum[i] / inv;
      this.acc.delete(f);
      out.push({ index: f, data });
    }
    return out;
  }
}

/**
 * Blends all window outputs at once (the non-streaming form of {@link WindowBlender}).
 * @param plan - from `planWindows`
 * @param outputs - per window, its k restored frames
 * @param frameLength - values per frame
 * @returns the L blended frames
 * @throws MODEL_ERR_BAD_INPUT when a window is missing or malformed
 */
export function blendWindows(
  plan: WindowPlan,
  outputs: readonly (readonly Float32Array[])[],
  frameLength: number,
): Float32Array[] {
  if (outputs.length !== plan.windows.length)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `blendWindows: outputs: expected ${plan.windows.length} windows, got ${outputs.length}`,
      { input: 'outputs' },
    );
  const blender = new WindowBlender(plan, frameLength);
  const frames: Float32Array[] = [];
  for (const o of outputs) for (const f of blender.push(o)) frames[f.index] = f.data;
  return frames;
}
