import { modelError } from '../errors.js';
import type { GsdiffPack, LoadedPack } from '../pack/loadPack.js';
import { createDdimSchedule } from '../scheduler/index.js';
import {
  extractTile,
  isAirTile,
  planSegmentWindows,
  planTiles,
  planWindows,
  TileBlender,
  WindowBlender,
} from '../tiling/index.js';
import { loadClipTokenizer } from '../tokenizer/index.js';
import { defaultBranches } from './defaultBranches.js';
import { denoiseSeries } from './denoiseSeries.js';
import { encodeText } from './encodeGuidance.js';
import { fitTile, unfitTile } from './fitTile.js';
import { keepOutsideAir } from './keepOutsideAir.js';
import { ModelFrames } from './ModelFrames.js';
import { recognizeDegradation } from './recognizeDegradation.js';
import { refineFrame } from './refineFrame.js';
import type { GsdiffSeriesTimings, RestoreEvent } from './RestoreEvent.js';
import type { RestoreOptions } from './RestoreOptions.js';
import { restoreWindow } from './restoreWindow.js';
import type { SeriesSource } from './SeriesSource.js';
import { addStageTimings, emptyTimings } from './StageTimings.js';
import { strengthAction } from './strengthAction.js';

export type { GsdiffSeriesTimings, DenoiserSeriesTimings, RestoreEvent, SeriesTimings } from './RestoreEvent.js';
export type { RestoreOptions } from './RestoreOptions.js';
export type { SeriesSource } from './SeriesSource.js';

/** A soft-tissue display window for the picture the VLM sees (what a reader would look at). */
const DISPLAY = { center: 40, width: 400 };

/**
 * Restores a whole series with a loaded pack of any class, as an async iterator of events: the degradation
 * estimate, then each restored frame (in order) as soon as no later window can change it, then the timings.
 * GSDiff packs run `gsdiffSeries`; denoiser and filter packs run `denoiseSeries` (frame by frame, same tiling,
 * blending and value mapping). Either way each frame is last blended with its input by `o.strength` (default
 * medium).
 * @throws MODEL_ERR_BAD_OPTION, MODEL_ERR_BAD_INPUT, MODEL_ERR_CANCELLED, MODEL_ERR_INFERENCE
 * @example
 * for await (const ev of restoreSeries(pack, src, { noise, header })) if (ev.type === 'frame') write(ev.values);
 */
export function restoreSeries(pack: LoadedPack, src: SeriesSource, o: RestoreOptions): AsyncGenerator<RestoreEvent> {
  return pack.kind === 'gsdiff' ? gsdiffSeries(pack, src, o) : denoiseSeries(pack, src, o);
}

/**
 * The whole-series GSDiff pipeline: overlapping k-frame windows along z/time (blended), each frame tiled in-plane
 * when larger than the pack's tile (feathered), every tile-window through restoreWindow (CT air tiles passed
 * through), each finished frame blended with its input by `o.strength`. Yields the degradation
 * estimate, then each restored frame as soon as no later window can change it, then the timings.
 * @throws MODEL_ERR_BAD_OPTION, MODEL_ERR_BAD_INPUT, MODEL_ERR_CANCELLED, MODEL_ERR_RECOGNIZER never (falls back)
 */
export async function* gsdiffSeries(
  pack: GsdiffPack,
  src: SeriesSource,
  o: RestoreOptions,
): AsyncGenerator<RestoreEvent> {
  const t0 = performance.now();
  const idx = pack.index;
  const k = idx.grid.rows * idx.grid.cols;
  // The pack's own row for this strength when it declares one (its TRN graph and weight), else the global blend; an
  // RGB series of a pack with an RGB graph takes that graph's weight.
  const { level, weight } = strengthAction(pack, o.strength, src.kind);
  const steps = o.steps ?? idx.defaults.steps;
  const img2img = o.img2imgStrength ?? idx.defaults.strength;
  const startNoise = o.startNoise ?? idx.defaults.start_noise;
  const startTimestep = o.startTimestep ?? idx.defaults.start_timestep;
  const startTMax = idx.defaults.start_t_max;
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
  const timings: GsdiffSeriesTimings = { ...emptyTimings(), recognition: 0, other: 0, total: 0 };
  const schedule = createDdimSchedule(pack.schedulerConfig, idx.scheduler);

  // Model-range frames are made on demand and dropped when emitted: the cache never holds more than the open windows.
  // Emitting a frame blends it with its input by the strength's weight, after the TRN and air tiles.
  const cache = new ModelFrames(src, idx.mapping, weight);

  // 1. Degradation recognition on the first frame, then the text branch once for the series.
  let tr = performance.now();
  const first = await cache.get(0);
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

  const windows = o.segmentStarts?.length
    ? planSegmentWindows(src.count, k, stride, o.segmentStarts)
    : planWindows(src.count, k, stride);
  const tiles = planTiles(H, W, idx.tile.height, idx.tile.width, overlap);
  const blender = new WindowBlender(windows, 3 * H * W);
  // Air tiles pass through as identity (V_r = V_d): isAirTile says why it is safe.
  const skipAir = src.kind === 'ct' && (o.skipAir ?? true);
  // With a per-frame TRN the tile-windows give only the diffusion branch's correction D_V - V_d (zero for air tiles and
  // without the diffusion branch) and T(V_d) is added once per whole frame: V_r = (D_V - V_d) + T(V_d) as before.
  // A series skips the diffusion branch where the graph it runs says so (trn_frame.rgb.diffusion, trn_frame.diffusion
  // false: the branch measured worse than the TRN alone); an explicit o.branches wins.
  const branches = o.branches ?? (pack.trnFrame ? defaultBranches(idx, src.kind) : 'full');
  // A pack that declares its strengths runs the strength's own graph; the window TRN (trnPerFrame false) has one. An
  // RGB series runs the pack's RGB graph when it has one (trained for deblurring, at its own radius), whatever the
  // strength: its strengths differ only in the blend weight.
  const rgbGraph = src.kind === 'rgb' ? pack.trnFrame?.rgb : undefined;
  const trnFrame =
    branches !== 'diffusion-only' && (o.trnPerFrame ?? true) && pack.trnFrame
      ? {
          radius: (rgbGraph ?? pack.trnFrame).radius,
          session: (rgbGraph ?? pack.trnFrame.byStrength?.[level] ?? pack.trnFrame).session,
        }
      : undefined;
  const segments = segmentBounds(src.count, o.segmentStarts ?? []);
  let skipped = 0;
  let done = 0;
  for (const win of windows.windows) {
    if (o.signal?.aborted)
      throw modelError('MODEL_ERR_CANCELLED', 'restoration cancelled', { stage: 'window', window: win.index });
    const frames = await Promise.all(win.frames.map((i) => cache.get(i)));
    const perFrame = frames.map(() => new TileBlender(tiles, 3));
    for (const tile of tiles.tiles) {
      const air = skipAir && frames.every((f) => isAirTile(f.original as Float32Array, W, tile));
      if (air || (trnFrame && branches === 'trn-only')) {
        if (air) skipped++;
        frames.forEach((f, j) => {
          const passed = extractTile(f.model, 3, H, W, tile);
          perFrame[j].add(tile.index, trnFrame ? passed.fill(0) : passed);
        });
        continue;
      }
      const crops = frames.map((f) =>
        fitTile(extractTile(f.model, 3, H, W, tile), tile, idx.tile.height, idx.tile.width),
      );
      const out = await restoreWindow({
        pack,
        frames: crops,
        height: idx.tile.height,
        width: idx.tile.width,
        textEmbeds,
        sampling: {
          schedule,
          steps,
          strength: img2img,
          startNoise,
          startTimestep,
          startTMax,
          eta,
          noise: o.noise,
          signal: o.signal,
        },
        branches,
        refine: trnFrame === undefined,
      });
      addStageTimings(timings, out.timings);
      out.restored.forEach((r, j) => perFrame[j].add(tile.index, unfitTile(r, tile, idx.tile.height, idx.tile.width)));
    }
    tr = performance.now();
    const finished = blender.push(perFrame.map((b) => b.result()));
    for (const f of finished) {
      if (trnFrame) {
        const t1 = performance.now();
        const [first, end] = segments(f.index);
        const refined = await refineFrame(trnFrame, (j) => cache.peek(first + j), f.index - first, end - first, H, W);
        for (let i = 0; i < refined.length; i++) f.data[i] += refined[i];
        const dt = performance.now() - t1;
        timings.refine += dt;
        tr += dt; // counted as refine, not as other
      }
      // Air outside the patient stays the input in restored tiles too, or the air tiles' outline shows as a seam.
      if (skipAir) keepOutsideAir(f.data, await cache.get(f.index), tiles);
      const values = await cache.finish(f.index, f.data);
      done++;
      timings.other += performance.now() - tr;
      yield { type: 'frame', index: f.index, values, done, total: src.count };
      tr = performance.now();
    }
  }
  timings.total = performance.now() - t0;
  yield {
    type: 'done',
    timings,
    windows: windows.windows.length,
    tilesPerFrame: tiles.tiles.length,
    airTileWindows: skipped,
  };
}

/** The scene [first, end) that holds frame i, from the frames that begin scenes (RestoreOptions.segmentStarts). */
function segmentBounds(count: number, starts: readonly number[]): (i: number) => [number, number] {
  const edges = [0, ...starts.filter((s) => s > 0 && s < count), count];
  return (i) => {
    let s = 0;
    while (edges[s + 1] <= i) s++;
    return [edges[s], edges[s + 1]];
  };
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
