import {
  DEFAULT_STRENGTH,
  restoreSeries,
  STRENGTH_WEIGHTS,
  type SeriesSource,
  type SeriesTimings,
} from '../../../models/index.js';
import {
  derivedSeriesSpec,
  DerivedSeriesWriter,
  frameValues,
  readInstanceFile,
  restorationDerivation,
  type DerivationInfo,
  type DicomInstance,
} from '../../../pacs-adapters/index.js';
import { createRng } from '../../../validation/index.js';
import type { FramesMeta } from '../frameFiles.js';
import type { JobContext } from './JobContext.js';
import type { PulledSeries } from './pullSeries.js';

/** What restoring needs from a job run (the embedded service and the queue worker both provide it). */
export type RestoreContext = Pick<
  JobContext,
  | 'job'
  | 'packs'
  | 'packDir'
  | 'device'
  | 'defaultSteps'
  | 'softwareVersion'
  | 'signal'
  | 'logger'
  | 'update'
  | 'takenSeriesNumbers'
  | 'reserveSeriesNumber'
>;

/** Where restored output goes: frames as they come, derived instances as each completes. */
export interface RestoreSink {
  /** Once, before the first frame: what every frame shares. */
  begin(meta: FramesMeta): Promise<void>;
  /** One restored frame; resolves once it is held (on disk, or in the queue's stream). */
  frame(index: number, values: Float32Array | Uint8Array, total: number): Promise<void>;
  /** One complete derived instance (Part 10 bytes). */
  instance(bytes: Uint8Array): Promise<void>;
}

export interface RestoredSeries {
  readonly derivedSeriesInstanceUid: string;
  readonly degradation: string;
  readonly timings: SeriesTimings;
  readonly instances: number;
}

/** Source instances re-read from disk are kept for the few frames that follow (multi-frame instances). */
const INSTANCE_CACHE = 2;

/**
 * The restoration of a pulled series with the job's pack (seeded by the job, at its strength): every restored frame
 * and every complete derived instance go to `sink`, in order. The derived SeriesInstanceUID is recorded (ctx.update)
 * before the first output, so a restart can tell whether that series was published.
 * @throws MODEL_ERR_CANCELLED when cancelled; every error of loadPack, restoreSeries, the writer and the sink
 */
export async function restoreFrames(
  pulled: PulledSeries,
  ctx: RestoreContext,
  sink: RestoreSink,
): Promise<RestoredSeries> {
  const { series: s, files } = pulled;
  const h = s.firstHeader;
  const job = ctx.job;
  const pack = await ctx.packs.acquire(ctx.packDir, ctx.device);
  const isRgb = s.samplesPerPixel === 3;
  // Every pack class takes the strength (a record from before strength existed runs at the default).
  const strength = job.spec.strength ?? DEFAULT_STRENGTH;
  const runStrength = { level: strength, weight: STRENGTH_WEIGHTS[strength] };
  // A denoiser pack takes no steps, img2img strength or degradation text (models/README.md, DenoiserPipeline).
  const gsdiff =
    pack.kind === 'gsdiff'
      ? {
          pack,
          steps: job.spec.steps ?? ctx.defaultSteps ?? pack.index.defaults.steps,
          img2imgStrength: pack.index.defaults.strength,
          forced: taskDegradation(job.spec.task, pack.labels),
        }
      : undefined;

  // 1. The derived series' identity, recorded before anything is written.
  const spec = derivedSeriesSpec(h, ctx.takenSeriesNumbers(s.studyInstanceUid), new Date(), strength);
  ctx.reserveSeriesNumber(s.studyInstanceUid, spec.seriesNumber);
  ctx.update({ derivedSeriesInstanceUid: spec.seriesInstanceUid, progress: { done: 0, total: s.slices.length } });

  // 2. Source instances are re-read on demand (bounded memory), the last few cached.
  const cache = new Map<string, Promise<DicomInstance>>();
  const load = (uid: string): Promise<DicomInstance> => {
    let p = cache.get(uid);
    if (!p) {
      p = readInstanceFile(files.get(uid) as string);
      cache.set(uid, p);
      if (cache.size > INSTANCE_CACHE) cache.delete(cache.keys().next().value as string);
    }
    return p;
  };
  const frame = async (i: number): Promise<Float32Array | Uint8Array> => {
    const ref = s.slices[i];
    return frameValues(await load(ref.sopInstanceUid), ref.frameIndex);
  };
  const src: SeriesSource = isRgb
    ? {
        kind: 'rgb',
        count: s.slices.length,
        height: s.rows,
        width: s.columns,
        frame: async (i) => (await frame(i)) as Uint8Array,
      }
    : {
        kind: 'ct',
        count: s.slices.length,
        height: s.rows,
        width: s.columns,
        frame: async (i) => (await frame(i)) as Float32Array,
      };
  const meta: FramesMeta = {
    rows: s.rows,
    columns: s.columns,
    samplesPerPixel: isRgb ? 3 : 1,
    dtype: isRgb ? 'uint8' : 'float32',
    total: s.slices.length,
    ...(h.windowCenter !== undefined ? { windowCenter: h.windowCenter } : {}),
    ...(h.windowWidth !== undefined ? { windowWidth: h.windowWidth } : {}),
    slices: s.slices.map((r) => ({ sopInstanceUid: r.sopInstanceUid, frameIndex: r.frameIndex })),
  };
  await sink.begin(meta);
  const writer = new DerivedSeriesWriter({ slices: s.slices, kind: isRgb ? 'rgb' : 'modality', spec, source: load });
  const rng = createRng(job.seed);
  let degradation = '';
  let derivation: DerivationInfo | undefined;
  let timings: SeriesTimings | undefined;
  // 3. The pipeline: each frame to disk (then announced), each complete instance into the stage.
  for await (const ev of restoreSeries(pack, src, {
    noise: (n) => Float32Array.from({ length: n }, () => rng.normal()),
    header: {
      modality: h.modality,
      sopClassUid: h.sopClassUid,
      samplesPerPixel: h.samplesPerPixel,
      acquisition: h.acquisition,
    },
    strength,
    steps: gsdiff?.steps,
    img2imgStrength: gsdiff?.img2imgStrength,
    degradation: gsdiff?.forced,
    signal: ctx.signal,
    logger: ctx.logger,
  })) {
    if (ev.type === 'degradation') {
      degradation = ev.estimate.phrase;
      const task = job.spec.task === 'auto' ? undefined : job.spec.task;
      derivation = gsdiff
        ? restorationDerivation({
            degradation,
            task,
            pack: { ...gsdiff.pack.index, sha256: pack.sha256 },
            device: pack.device,
            steps: gsdiff.steps,
            img2imgStrength: gsdiff.img2imgStrength,
            strength: runStrength,
            seed: job.seed,
            softwareVersion: ctx.softwareVersion,
          })
        : restorationDerivation({
            pipeline: 'denoiser',
            task,
            pack: { ...pack.index, sha256: pack.sha256 },
            device: pack.device,
            strength: runStrength,
            softwareVersion: ctx.softwareVersion,
          });
      ctx.update({ degradation });
    } else if (ev.type === 'frame') {
      await sink.frame(ev.index, ev.values, ev.total);
      const d = await writer.add(ev.index, ev.values, derivation as DerivationInfo);
      if (d) await sink.instance(d.bytes);
    } else {
      timings = ev.timings;
    }
  }
  return {
    derivedSeriesInstanceUid: spec.seriesInstanceUid,
    degradation,
    timings: timings as SeriesTimings,
    instances: writer.written,
  };
}

/** denoise / deblur condition on the pack's own label for noise / blur (its recogniser's vocabulary). */
function taskDegradation(task: 'denoise' | 'deblur' | 'auto', labels: readonly string[]): string | undefined {
  if (task === 'auto') return undefined;
  const re = task === 'denoise' ? /noise/i : /blur/i;
  return labels.find((l) => re.test(l)) ?? (task === 'denoise' ? 'noise' : 'blur');
}
