import path from 'node:path';
import type { StagedSeries } from '../../../pacs-adapters/index.js';
import type { RestoredSeries } from '../../../restore/index.js';
import { FrameWriter } from '../frameFiles.js';
import type { JobContext } from './JobContext.js';
import type { PulledSeries } from './pullSeries.js';
import { restoreFrames } from './restoreFrames.js';

export interface RestoredStage extends RestoredSeries {
  /** Holds every derived instance; not yet committed. */
  readonly stage: StagedSeries;
}

/**
 * Stage 2 (embedded): restores the series and writes (a) each restored frame to `<jobDir>/frames/` before
 * announcing it and (b) each complete derived instance into a new store stage. On any error or cancellation the
 * stage is aborted (nothing reaches the store).
 * @throws MODEL_ERR_CANCELLED when cancelled; every error of loadPack, restoreDicomSeries and the writers
 */
export async function restoreToStage(pulled: PulledSeries, ctx: JobContext): Promise<RestoredStage> {
  const stage = await ctx.store.stageSeries();
  let frames: FrameWriter | undefined;
  try {
    const restored = await restoreFrames(pulled, ctx, {
      begin: async (meta) => {
        frames = await FrameWriter.create(path.join(ctx.jobDir, 'frames'), meta);
      },
      frame: async (index, values, total) => {
        const done = await (frames as FrameWriter).write(index, values);
        ctx.frameWritten(index, done, total);
      },
      instance: async (bytes) => {
        await stage.add(bytes, `gsdiff job ${ctx.job.id}`);
      },
    });
    return { ...restored, stage };
  } catch (e) {
    await stage.abort().catch(() => undefined);
    throw e;
  }
}
