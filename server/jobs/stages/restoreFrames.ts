import type { Device, DeviceRequest } from '../../../models/index.js';
import { readInstanceFile, type AssembledSeries, type DicomInstance } from '../../../pacs-adapters/index.js';
import { restoreDicomSeries, type RestoredSeries, type SourceSeries } from '../../../restore/index.js';
import { serverError } from '../../errors.js';
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

/**
 * The job's "runs on" log line: the device the pack's sessions were created on, which is the one the job runs on.
 * @example deviceLine('cpu', 'auto') // 'job runs on cpu (device auto)'
 */
export function deviceLine(device: Device, requested: DeviceRequest): string {
  return `job runs on ${device}${requested === device ? '' : ` (device ${requested})`}`;
}

/** Source instances re-read from disk are kept for the few frames that follow (multi-frame instances). */
const INSTANCE_CACHE = 2;

/**
 * A job's restoration of its pulled series (restoreDicomSeries with the job's pack, seed, task, steps, strength and video output):
 * every restored frame and every complete derived instance go to `sink`, in order. The derived SeriesInstanceUID
 * is recorded (ctx.update) before the first output, so a restart can tell whether that series was published.
 * @throws MODEL_ERR_CANCELLED when cancelled; every error of loadPack, restoreDicomSeries and the sink
 */
export async function restoreFrames(
  pulled: PulledSeries,
  ctx: RestoreContext,
  sink: RestoreSink,
): Promise<RestoredSeries> {
  const { series: s } = pulled;
  const job = ctx.job;
  const pack = await ctx.packs.acquire(ctx.packDir, ctx.device);
  ctx.logger.info({ job: job.id, device: pack.device, requested: ctx.device }, deviceLine(pack.device, ctx.device));
  return restoreDicomSeries(
    readBack(pulled),
    pack,
    {
      seed: job.seed,
      // A record from before strength existed runs at the default.
      strength: job.spec.strength,
      task: job.spec.task,
      steps: job.spec.steps ?? ctx.defaultSteps,
      video: job.spec.video,
      takenSeriesNumbers: ctx.takenSeriesNumbers(s.studyInstanceUid),
      softwareVersion: ctx.softwareVersion,
      signal: ctx.signal,
      logger: ctx.logger,
    },
    {
      open: async (derived) => {
        ctx.reserveSeriesNumber(s.studyInstanceUid, derived.seriesNumber);
        ctx.update({
          derivedSeriesInstanceUid: derived.seriesInstanceUid,
          progress: { done: 0, total: s.slices.length },
        });
        await sink.begin(framesMeta(s));
        return {
          degradation: (phrase) => {
            ctx.update({ degradation: phrase });
          },
          frame: (index, values, total) => sink.frame(index, values, total),
          instance: (d) => sink.instance(d.bytes),
        };
      },
    },
  );
}

/** Source instances are read again on demand (bounded memory), the last few kept. */
function readBack(pulled: PulledSeries): SourceSeries {
  const cache = new Map<string, Promise<DicomInstance>>();
  return {
    series: pulled.series,
    instance: (uid) => {
      let p = cache.get(uid);
      if (!p) {
        const file = pulled.files.get(uid);
        if (file === undefined) {
          throw serverError('SRV_ERR_INTERNAL', `restoreFrames: instance ${uid}: expected a pulled file, got none`, {
            sopInstanceUid: uid,
          });
        }
        p = readInstanceFile(file);
        cache.set(uid, p);
        for (const old of cache.keys()) if (cache.size > INSTANCE_CACHE) cache.delete(old);
      }
      return p;
    },
  };
}

/** What every frame of the job shares, for the frames folder and the websocket. */
function framesMeta(s: AssembledSeries): FramesMeta {
  const h = s.firstHeader;
  const isRgb = s.samplesPerPixel === 3;
  return {
    rows: s.rows,
    columns: s.columns,
    samplesPerPixel: isRgb ? 3 : 1,
    dtype: isRgb ? 'uint8' : 'float32',
    total: s.slices.length,
    ...(h.windowCenter !== undefined ? { windowCenter: h.windowCenter } : {}),
    ...(h.windowWidth !== undefined ? { windowWidth: h.windowWidth } : {}),
    slices: s.slices.map((r) => ({ sopInstanceUid: r.sopInstanceUid, frameIndex: r.frameIndex })),
  };
}
