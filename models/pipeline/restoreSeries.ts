import type { Logger } from '../../common/index.js';
import type { DegradationEstimate } from '../degradation/DegradationEstimate.js';
import type { HeaderFacts } from '../degradation/headerPrior.js';
import type { VlmOptions } from '../degradation/vlmRecognizer.js';
import { modelError } from '../errors.js';
import { huToModel, modelDeltaToHu, modelDeltaToRgb, rgbToModel } from '../mapping/index.js';
import type { LoadedPack } from '../pack/loadPack.js';
import { createDdimSchedule } from '../scheduler/index.js';
import { extractTile, planTiles, planWindows, TileBlender, WindowBlender, type FrameTile } from '../tiling/index.js';
import { loadClipTokenizer } from '../tokenizer/index.js';
import { encodeText } from './encodeGuidance.js';
import { recognizeDegradation } from './recognizeDegradation.js';
import { emptyTimings, restoreWindow, type NoiseSource, type StageTimings } from './restoreWindow.js';

/** A series handed to the pipeline: frames fetched on demand, so a long series is never held whole. */
export type SeriesSource =
  | {
      readonly kind: 'ct';
      readonly count: number;
      readonly height: number;
      readonly width: number;
      frame(i: number): Promise<Float32Array>;
    }
  | {
      readonly kind: 'rgb';
      readonly count: number;
      readonly height: number;
      readonly width: number;
      frame(i: number): Promise<Uint8Array>;
    };

export interface RestoreOptions {
  readonly noise: NoiseSource;
  readonly header: HeaderFacts;
  readonly steps?: number;
  readonly strength?: number;
  readonly eta?: number;
  readonly windowStride?: number;
  readonly tileOverlap?: number;
  readonly vlm?: Omit<VlmOptions, 'prompt'>;
  /** Use this degradation text instead of recognising it (e.g. a reader's choice). */
  readonly degradation?: string;
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

export interface SeriesTimings extends StageTimings {
  recognition: number;
  /** Mapping, tiling and blending outside the model stages. */
  other: number;
  total: number;
}

export type RestoreEvent =
  | { readonly type: 'degradation'; readonly estimate: DegradationEstimate }
  | {
      readonly type: 'frame';
      readonly index: number;
      /** HU for CT, interleaved RGB for colour. */
      readonly values: Float32Array | Uint8Array;
      readonly done: number;
      readonly total: number;
    }
  | {
      readonly type: 'done';
      readonly timings: SeriesTimings;
      readonly windows: number;
      readonly tilesPerFrame: number;
    };

/** A soft-tissue display window for the picture the VLM sees (what a reader would look at). */
const DISPLAY = { center: 40, width: 400 };

/**
 * The whole-series GSDiff pipeline: overlapping k-frame windows along z/time (blended), each frame tiled in-plane
 * when larger than the pack's tile (feathered), every tile-window through restoreWindow. Yields the degradation
 * estimate, then each restored frame as soon as no later window can change it, then the timings.
 * @throws MODEL_ERR_BAD_OPTION, MODEL_ERR_BAD_INPUT, MODEL_ERR_CANCELLED, MODEL_ERR_RECOGNIZER never (falls back)
 */
export async function* restoreSeries(
  pack: LoadedPack,
  src: SeriesSource,
  o: RestoreOptions,
): AsyncGenerator<RestoreEvent> {
  const t0 = performance.now();
  const idx = pack.index;
  const k = idx.grid.rows * idx.grid.cols;
  const steps = o.steps ?? idx.defaults.steps;
  const strength = o.strength ?? idx.defaults.strength;
  const eta = o.eta ?? idx.defaults.eta;
  const stride = o.windowStride ?? Math.min(idx.defaults.window_stride, k);
  const overlap = o.tileOverlap ?? idx.defaults.tile_overlap;
  if (src.count < 1)
    throw modelError('MODEL_ERR_BAD_INPUT', 'restoreSeries: expected at least one frame, got 0', { stage: 'input' });
  if (!(Number.isInteger(stride) && stride >= 1 && stride <= k)) {
    throw modelError('MODEL_ERR_BAD_OPTION', `restoreSeries: windowStride: expected 1..${k}, got ${stride}`, {
      option: 'windowStride',
    });
  }
  const { height: H, width: W } = src;
  const timings: SeriesTimings = { ...emptyTimings(), recognition: 0, other: 0, total: 0 };
  const schedule = createDdimSchedule(pack.schedulerConfig, idx.scheduler);

  // Model-range frames are made on demand and dropped when emitted: the cache never holds more than the open windows.
  const cache = new Map<number, { model: Float32Array; original: Float32Array | Uint8Array }>();
  const get = async (i: number): Promise<{ model: Float32Array; original: Float32Array | Uint8Array }> => {
    let c = cache.get(i);
    if (!c) {
      if (src.kind === 'ct') {
        const hu = await src.frame(i);
        if (hu.length !== H * W) throw badFrame(i, hu.length, H * W);
        c = { model: huToModel(hu, H, W, idx.mapping.ct), original: hu };
      } else {
        const rgb = await src.frame(i);
        if (rgb.length !== H * W * 3) throw badFrame(i, rgb.length, H * W * 3);
        c = { model: rgbToModel(rgb, H, W, idx.mapping.rgb), original: rgb };
      }
      cache.set(i, c);
    }
    return c;
  };

  // 1. Degradation recognition on the first frame, then the text branch once for the series.
  let tr = performance.now();
  const first = await get(0);
  const estimate = o.degradation
    ? { phrase: o.degradation, prompt: idx.prompts.template.replace('[degradation]', o.degradation), guesses: [] }
    : await recognizeDegradation(
        pack,
        { model: first.model, display: displayImage(src.kind, first.original, H, W), height: H, width: W },
        o.header,
        o.vlm,
      );
  const tokenizer = await loadClipTokenizer(pack.vocabPath, pack.mergesPath);
  const textEmbeds = await encodeText(pack, tokenizer.encode(estimate.prompt, idx.tokenizer.max_length));
  timings.recognition += performance.now() - tr;
  yield { type: 'degradation', estimate };

  const windows = planWindows(src.count, k, stride);
  const tiles = planTiles(H, W, idx.tile.height, idx.tile.width, overlap);
  const blender = new WindowBlender(windows, 3 * H * W);
  let done = 0;
  for (const win of windows.windows) {
    if (o.signal?.aborted)
      throw modelError('MODEL_ERR_CANCELLED', 'restoration cancelled', { stage: 'window', window: win.index });
    const frames = await Promise.all(win.frames.map((i) => get(i)));
    const perFrame = frames.map(() => new TileBlender(tiles, 3));
    for (const tile of tiles.tiles) {
      const crops = frames.map((f) =>
        fitTile(extractTile(f.model, 3, H, W, tile), tile, idx.tile.height, idx.tile.width),
      );
      const out = await restoreWindow(
        pack,
        crops,
        idx.tile.height,
        idx.tile.width,
        textEmbeds,
        { schedule, steps, strength, eta, noise: o.noise, signal: o.signal },
        timings,
      );
      out.forEach((r, j) => perFrame[j].add(tile.index, unfitTile(r, tile, idx.tile.height, idx.tile.width)));
    }
    tr = performance.now();
    const finished = blender.push(perFrame.map((b) => b.result()));
    for (const f of finished) {
      const c = await get(f.index);
      const values =
        src.kind === 'ct'
          ? modelDeltaToHu(c.original as Float32Array, c.model, f.data, idx.mapping.ct)
          : modelDeltaToRgb(c.original as Uint8Array, c.model, f.data, idx.mapping.rgb);
      cache.delete(f.index);
      done++;
      timings.other += performance.now() - tr;
      yield { type: 'frame', index: f.index, values, done, total: src.count };
      tr = performance.now();
    }
  }
  timings.total = performance.now() - t0;
  yield { type: 'done', timings, windows: windows.windows.length, tilesPerFrame: tiles.tiles.length };
}

function badFrame(i: number, got: number, want: number): Error {
  return modelError('MODEL_ERR_BAD_INPUT', `frame ${i} holds ${got} values: expected ${want}`, {
    stage: 'input',
    frame: i,
  });
}

/** A tile smaller than the pack's tile (a frame smaller than a tile) is edge-padded to the tile size. */
function fitTile(data: Float32Array, tile: FrameTile, th: number, tw: number): Float32Array {
  if (tile.height === th && tile.width === tw) return data;
  const out = new Float32Array(3 * th * tw);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < th; y++) {
      const sy = Math.min(y, tile.height - 1);
      for (let x = 0; x < tw; x++)
        out[(c * th + y) * tw + x] = data[(c * tile.height + sy) * tile.width + Math.min(x, tile.width - 1)];
    }
  }
  return out;
}

function unfitTile(data: Float32Array, tile: FrameTile, th: number, tw: number): Float32Array {
  if (tile.height === th && tile.width === tw) return data;
  const out = new Float32Array(3 * tile.height * tile.width);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < tile.height; y++) {
      for (let x = 0; x < tile.width; x++) out[(c * tile.height + y) * tile.width + x] = data[(c * th + y) * tw + x];
    }
  }
  return out;
}

function displayImage(
  kind: 'ct' | 'rgb',
  original: Float32Array | Uint8Array,
  H: number,
  W: number,
): { width: number; height: number; rgb: Uint8Array } {
  if (kind === 'rgb') return { width: W, height: H, rgb: original as Uint8Array };
  const rgb = new Uint8Array(H * W * 3);
  const lo = DISPLAY.center - DISPLAY.width / 2;
  for (let i = 0; i < H * W; i++) {
    const v = Math.max(0, Math.min(255, Math.round(((original[i] - lo) / DISPLAY.width) * 255)));
    rgb[i * 3] = v;
    rgb[i * 3 + 1] = v;
    rgb[i * 3 + 2] = v;
  }
  return { width: W, height: H, rgb };
}
