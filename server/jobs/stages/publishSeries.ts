import type { CommitResult } from '../../../pacs-adapters/index.js';
import type { JobContext } from './JobContext.js';
import type { RestoredStage } from './restoreToStage.js';

/**
 * Stage 3: the commit point. Cancellation is honoured up to here; then the stage is committed (one rename: the
 * whole series appears at once) and, in the very next synchronous step, `publishedAt` is written. A crash between
 * the two leaves a job whose recorded derived series exists in the store: the service's recovery marks it published
 * and never publishes it again.
 * @throws MODEL_ERR_CANCELLED (abort reason) when cancelled before the commit; every error of StagedSeries.commit
 */
export async function publishSeries(restored: RestoredStage, ctx: JobContext): Promise<CommitResult> {
  try {
    ctx.signal.throwIfAborted();
  } catch (e) {
    await restored.stage.abort().catch(() => undefined);
    throw e;
  }
  let result: CommitResult;
  try {
    result = await restored.stage.commit();
  } catch (e) {
    await restored.stage.abort().catch(() => undefined);
    throw e;
  }
  ctx.update({ publishedAt: new Date().toISOString() });
  return result;
}
