import { modelError } from '../errors.js';
import {
  blendWithInput,
  huToModel,
  modelDeltaToHu,
  modelDeltaToRgb,
  rgbToModel,
  type CtValueMapping,
  type RgbValueMapping,
} from '../mapping/index.js';
import type { SeriesSource } from './SeriesSource.js';

/** One frame of a series: the model-range input V_d [3, H, W] and the original values it was mapped from. */
export interface ModelFrame {
  readonly model: Float32Array;
  readonly original: Float32Array | Uint8Array;
}

/**
 * A series' frames in model range, made on demand and dropped when finished, so the cache never holds more than
 * the frames of the open windows. Every pack class maps values in and out through here (models/README.md, "Value
 * mapping and exact pass-through"), and the strength blend is applied here, the last step of every frame: this is
 * where the input is still at hand, so it is never fetched twice.
 */
export class ModelFrames {
  private readonly cache = new Map<number, ModelFrame>();

  /**
   * @param src - the series
   * @param mapping - the pack's value mapping
   * @param weight - the strength's blend weight (strengthAction); 1 leaves the pipeline's output as it is
   */
  constructor(
    private readonly src: SeriesSource,
    private readonly mapping: { readonly ct: CtValueMapping; readonly rgb: RgbValueMapping },
    private readonly weight = 1,
  ) {}

  /**
   * Frame i, mapped to model range (fetched once until `finish`).
   * @throws MODEL_ERR_BAD_INPUT when the source's frame has the wrong number of values
   */
  async get(i: number): Promise<ModelFrame> {
    let c = this.cache.get(i);
    if (!c) {
      c = await this.make(i);
      this.cache.set(i, c);
    }
    return c;
  }

  /**
   * Frame i's model-range input without keeping it: from the cache while its windows are open, else made again (a
   * neighbour the per-frame TRN looks at after the frame itself was finished).
   */
  async peek(i: number): Promise<Float32Array> {
    return (this.cache.get(i) ?? (await this.make(i))).model;
  }

  private async make(i: number): Promise<ModelFrame> {
    const { src } = this;
    const H = src.height;
    const W = src.width;
    if (src.kind === 'ct') {
      const hu = await src.frame(i);
      if (hu.length !== H * W) throw badFrame(i, hu.length, H * W);
      return { model: huToModel(hu, H, W, this.mapping.ct), original: hu };
    }
    const rgb = await src.frame(i);
    if (rgb.length !== H * W * 3) throw badFrame(i, rgb.length, H * W * 3);
    return { model: rgbToModel(rgb, H, W, this.mapping.rgb), original: rgb };
  }

  /**
   * Frame i back in stored units, the model's change applied by the delta rule (exact pass-through outside the CT
   * window and where nothing changed), then blended with the input by the strength's weight; the frame leaves the
   * cache.
   * @param restored - V_r, [3, H, W] model range
   * @returns HU for CT, interleaved RGB bytes for colour
   */
  async finish(i: number, restored: Float32Array): Promise<Float32Array | Uint8Array> {
    const c = await this.get(i);
    const values =
      this.src.kind === 'ct'
        ? modelDeltaToHu(c.original as Float32Array, c.model, restored, this.mapping.ct)
        : modelDeltaToRgb(c.original as Uint8Array, c.model, restored, this.mapping.rgb);
    this.cache.delete(i);
    return blendWithInput(c.original, values, this.weight);
  }
}

function badFrame(i: number, got: number, want: number): Error {
  return modelError('MODEL_ERR_BAD_INPUT', `frame ${i} holds ${got} values: expected ${want}`, {
    stage: 'input',
    frame: i,
  });
}
