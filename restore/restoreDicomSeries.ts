import { createRng } from '../common/index.js';
import {
  DEFAULT_STRENGTH,
  modelError,
  restoreSeries,
  strengthAction,
  type LoadedPack,
  type RestoreEvent,
} from '../models/index.js';
import {
  derivedSeriesSpec,
  DerivedSeriesWriter,
  pacsError,
  type DerivationInfo,
  type RunStrength,
} from '../pacs-adapters/index.js';
import type { DerivedSeriesSink } from './DerivedSeriesSink.js';
import { frameSource } from './frameSource.js';
import { gsdiffSampling } from './gsdiffSampling.js';
import type { RestoreDicomOptions } from './RestoreDicomOptions.js';
import type { RestoredSeries } from './RestoredSeries.js';
import { runDerivation } from './runDerivation.js';
import { sceneStarts } from './sceneStarts.js';
import type { SourceSeries } from './SourceSeries.js';

type DoneEvent = Extract<RestoreEvent, { type: 'done' }>;

/**
 * Restores one DICOM series with a loaded pack of any class into a new derived series: the series' identity goes
 * to `sink.open` before anything is written, then every restored frame and every complete derived instance (with
 * its derivation record) to the output it returns, in order. The pack stays the caller's (loaded on its device,
 * released by the caller).
 * @param source - the assembled series and its instances
 * @param pack - from loadPack or a pool; its device is the run's
 * @param options - seed, strength, task and the GSDiff sampling options (RestoreDicomOptions)
 * @param sink - opened once with the derived series' identity
 * @throws PACS_ERR_WRITE before anything is written when `options.video` asks a grey-scale series for video;
 *   MODEL_ERR_CANCELLED when `options.signal` aborts; every error of restoreSeries, of decoding the source,
 *   of the DerivedSeriesWriter and of the sink (after `open`, the output is aborted first)
 * @example
 * const restored = await restoreDicomSeries({ series, instance: (uid) => instances.get(uid)! }, pack,
 *   { seed: 1, softwareVersion: VERSION }, { open: async () => ({ frame: () => undefined, instance: save }) });
 */
export async function restoreDicomSeries(
  source: SourceSeries,
  pack: LoadedPack,
  options: RestoreDicomOptions,
  sink: DerivedSeriesSink,
): Promise<RestoredSeries> {
  const { series } = source;
  const h = series.firstHeader;
  const level = options.strength ?? DEFAULT_STRENGTH;
  // Decodes nothing yet: the kind of series is known here, and how a strength acts may depend on it.
  const src = frameSource(source);
  // What the runtime applies for this pack and kind of series (the pack's RGB graph's weights for a colour series of
  // a pack that has one, its own strengths table, else the global blend), recorded as such.
  const strength: RunStrength = strengthAction(pack, level, src.kind);
  // Refused before anything is written: a grey-scale series has no video form, and silently writing it
  // lossless would leave a site that asked for video with what its archive does not take.
  if (options.video !== undefined && series.samplesPerPixel !== 3) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `restoreDicomSeries: video ${options.video}: expected an RGB series (video endoscopic, capsule), got ${h.modality} with SamplesPerPixel ${series.samplesPerPixel}`,
      { field: 'video', seriesInstanceUid: series.seriesInstanceUid },
    );
  }

  // 1. The derived series' identity, handed out before anything is written.
  const derivedSeries = derivedSeriesSpec(h, options.takenSeriesNumbers, new Date(), level);
  const output = await sink.open(derivedSeries);
  try {
    // 2. The pipeline over the series, the writer turning its frames into derived instances.
    const writer = new DerivedSeriesWriter({
      slices: series.slices,
      kind: series.samplesPerPixel === 3 ? 'rgb' : 'modality',
      spec: derivedSeries,
      source: (uid) => source.instance(uid),
      ...(options.video !== undefined ? { video: { encoding: options.video, signal: options.signal } } : {}),
    });
    const rng = createRng(options.seed);
    const events = restoreSeries(pack, src, {
      noise: (n) => Float32Array.from({ length: n }, () => rng.normal()),
      header: {
        modality: h.modality,
        sopClassUid: h.sopClassUid,
        samplesPerPixel: h.samplesPerPixel,
        acquisition: h.acquisition,
      },
      strength: level,
      // A denoiser or filter pack has no use for these, and would log each one given as ignored.
      // Windows stay inside an instance of a time sequence: a capsule instance is one run (sceneStarts).
      ...(pack.kind === 'gsdiff' ? { ...gsdiffSampling(pack, options), segmentStarts: sceneStarts(series) } : {}),
      signal: options.signal,
      logger: options.logger,
    });

    // 3. Each event to the output: the text first, then frames in order, each completed instance, the timings.
    let degradation = '';
    let derivation: DerivationInfo | undefined;
    let done: DoneEvent | undefined;
    for await (const ev of events) {
      if (ev.type === 'degradation') {
        degradation = ev.estimate.phrase;
        derivation = runDerivation(pack, options, degradation, strength, src.kind);
        output.degradation?.(degradation);
      } else if (ev.type === 'frame') {
        if (!derivation) throw outOfOrder('a frame before the degradation');
        await output.frame(ev.index, ev.values, ev.total);
        const d = await writer.add(ev.index, ev.values, derivation);
        if (d) await output.instance(d, await source.instance(series.slices[ev.index].sopInstanceUid));
      } else {
        done = ev;
      }
    }
    if (!done) throw outOfOrder('no timings at the end');
    await output.close?.();
    return {
      derivedSeries,
      degradation,
      strength,
      timings: done.timings,
      frames: series.slices.length,
      instances: writer.written,
      clippedPixels: writer.clippedPixels,
      windows: done.windows,
      tilesPerFrame: done.tilesPerFrame,
      airTileWindows: done.airTileWindows ?? 0,
    };
  } catch (e) {
    await output.abort?.().catch(() => undefined);
    throw e;
  }
}

/** restoreSeries promises degradation, frames, then done (models/README.md); a break of that is a runtime bug. */
function outOfOrder(what: string): Error {
  return modelError(
    'MODEL_ERR_INFERENCE',
    `restoreDicomSeries: restoreSeries yielded ${what}: expected degradation, frames, done`,
    {
      stage: 'series',
    },
  );
}
