import type { DegradationEstimate } from '../degradation/DegradationEstimate.js';
import { modelError } from '../errors.js';
import { runFilter } from '../filters/runFilter.js';
import type { DenoiserPack, FilterPack } from '../pack/loadPack.js';
import { extractTile, planTiles, TileBlender } from '../tiling/index.js';
import { fitTile, unfitTile } from './fitTile.js';
import { ModelFrames } from './ModelFrames.js';
import type { DenoiserSeriesTimings, RestoreEvent } from './RestoreEvent.js';
import type { RestoreOptions } from './RestoreOptions.js';
import { runDenoiser } from './runDenoiser.js';
import type { SeriesSource } from './SeriesSource.js';
import { strengthAction } from './strengthAction.js';

/** What the degradation event of a denoiser or filter pack says: it takes no text. */
export const DENOISER_DEGRADATION: DegradationEstimate = Object.freeze({
  phrase: 'not used by denoiser packs',
  prompt: '',
  guesses: Object.freeze([]),
});

/** Options a denoiser pack has no use for; given ones are named once in the log. */
const IGNORED = [
  'steps',
  'img2imgStrength',
  'startNoise',
  'startTimestep',
  'branches',
  'eta',
  'windowStride',
  'skipAir',
  'vlm',
  'degradation',
] as const;

/**
 * The whole-series pipeline of a single-network denoiser pack (DenoiserPipeline, e.g. the RED-CNN baseline) and of
 * a classical-filter pack (FilterPipeline: identity, bilateral), so baselines run through the same runtime as GSDiff: frame by frame (windows of one frame), each frame tiled
 * in-plane with the pack's tile size and overlap, every tile through the network, tiles blended with the same
 * feathered TileBlender, and the change applied to the original values by the same delta rule (exact
 * pass-through outside the CT window). Yields a degradation event saying no text is used, each frame in order as
 * soon as it is done (blended with its input by `o.strength`), then the timings. An AbortSignal stops it between
 * frames and tiles.
 * @throws MODEL_ERR_BAD_INPUT, MODEL_ERR_BAD_OPTION, MODEL_ERR_CANCELLED, MODEL_ERR_INFERENCE
 */
export async function* denoiseSeries(
  pack: DenoiserPack | FilterPack,
  src: SeriesSource,
  o: RestoreOptions,
): AsyncGenerator<RestoreEvent> {
  const t0 = performance.now();
  const idx = pack.index;
  const { height: th, width: tw } = idx.tile;
  const overlap = o.tileOverlap ?? idx.defaults.tile_overlap;
  const { weight } = strengthAction(pack, o.strength, src.kind);
  if (src.count < 1)
    throw modelError('MODEL_ERR_BAD_INPUT', 'restoreSeries: expected at least one frame, got 0', { stage: 'input' });
  const ignored = IGNORED.filter((k) => o[k] !== undefined);
  if (ignored.length)
    o.logger?.warn({ pack: idx.name, ignored }, `options ${ignored.join(', ')} are not used by denoiser packs`);
  const { height: H, width: W } = src;
  const timings: DenoiserSeriesTimings = { denoiser: 0, other: 0, total: 0 };
  // The strength applies to baselines exactly as to GSDiff: each emitted frame is blended with its input.
  const frames = new ModelFrames(src, idx.mapping, weight);
  const tiles = planTiles(H, W, th, tw, overlap);

  // 1. No degradation recognition: the network is not conditioned on text.
  yield { type: 'degradation', estimate: DENOISER_DEGRADATION };

  // 2. Frame by frame: tile, denoise, blend, map back, emit.
  for (let i = 0; i < src.count; i++) {
    const cancelled = (tile?: number): void => {
      if (o.signal?.aborted)
        throw modelError('MODEL_ERR_CANCELLED', 'restoration cancelled', {
          stage: tile === undefined ? 'frame' : 'tile',
          frame: i,
          tile,
        });
    };
    cancelled();
    let tr = performance.now();
    const f = await frames.get(i);
    const blender = new TileBlender(tiles, 3);
    for (const tile of tiles.tiles) {
      cancelled(tile.index);
      const crop = fitTile(extractTile(f.model, 3, H, W, tile), tile, th, tw);
      const t1 = performance.now();
      timings.other += t1 - tr;
      const out =
        pack.kind === 'denoiser'
          ? await runDenoiser(pack, crop, th, tw)
          : runFilter(pack.cv, pack.index, src.kind, crop, th, tw);
      tr = performance.now();
      timings.denoiser += tr - t1;
      blender.add(tile.index, unfitTile(out, tile, th, tw));
    }
    const values = await frames.finish(i, blender.result());
    timings.other += performance.now() - tr;
    yield { type: 'frame', index: i, values, done: i + 1, total: src.count };
  }
  timings.total = performance.now() - t0;
  yield { type: 'done', timings, windows: src.count, tilesPerFrame: tiles.tiles.length };
}
