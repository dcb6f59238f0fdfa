import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describeThrown } from '../../common/index.js';
import type { JobPatch } from './JobDb.js';
import type { JobError, JobRecord, JobStage, JobTimings, PushBackReport } from './JobRecord.js';
import type { JobContext } from './stages/JobContext.js';
import { publishSeries } from './stages/publishSeries.js';
import { pullSeries } from './stages/pullSeries.js';
import { pushBack } from './stages/pushBack.js';
import { restoreToStage } from './stages/restoreToStage.js';

/** Why a run was aborted: the AbortSignal reason the service uses. */
export type AbortReason = 'cancel' | 'shutdown';

/**
 * Runs one attempt of a job through its numbered stages and records the outcome; never throws. A job whose derived
 * series is already published (a restart after the commit) goes straight to push-back.
 * @returns the final record: done, failed, cancelled, or queued again when the service is shutting down
 */
export async function runJob(ctx: JobContext): Promise<JobRecord> {
  const job = ctx.job;
  const timings: { -readonly [K in keyof JobTimings]: JobTimings[K] } = { ...job.timings };
  const timed = async <T>(stage: JobStage, fn: () => Promise<T>): Promise<T> => {
    ctx.update({ stage });
    const t0 = performance.now();
    const out = await fn();
    if (stage !== 'restore') timings[stage] = Math.round(performance.now() - t0);
    return out;
  };
  let final: JobPatch;
  let requeued = false;
  try {
    let derived = job.derivedSeriesInstanceUid;
    if (!job.publishedAt) {
      // 0. A clean scratch folder: nothing of an interrupted attempt survives.
      await rm(ctx.jobDir, { recursive: true, force: true });
      // 1. Pull the series (from the store in place, or streamed from the source PACS).
      const pulled = await timed('pull', () => pullSeries(undefined, ctx));
      // 2. Restore: frames to disk as they come, derived instances into an uncommitted store stage.
      const restored = await timed('restore', () => restoreToStage(pulled, ctx));
      timings.restore = Object.fromEntries(Object.entries(restored.timings).map(([k, v]) => [k, Math.round(v)]));
      ctx.update({ timings });
      // 3. Publish once: commit the stage, record it in the same step.
      await timed('publish', () => publishSeries(restored, ctx));
      derived = restored.derivedSeries.seriesInstanceUid;
    }
    // 4. Push back to the source PACS when asked; a failure is reported, the local result stays.
    let report: PushBackReport | undefined;
    if (job.spec.pushBack) {
      report =
        ctx.sourceId === 'local'
          ? { state: 'skipped', stored: 0, failed: 0, warnings: 0, message: 'the source is the local store' }
          : await timed('pushBack', () => pushBack(derived as string, ctx));
    }
    final = { state: 'done', stage: null, timings, ...(report ? { pushBack: report } : {}) };
  } catch (e) {
    const reason: unknown = ctx.signal.aborted ? ctx.signal.reason : undefined;
    if (reason === 'shutdown') {
      requeued = true;
      ctx.logger.info({ job: job.id }, 'job interrupted by shutdown: queued again');
      final = {
        state: 'queued',
        stage: null,
        attempts: job.attempts - 1,
        progress: { done: 0, total: 0 },
        timings: {},
        degradation: null,
        derivedSeriesInstanceUid: null,
        startedAt: null,
      };
    } else if (reason === 'cancel') {
      ctx.logger.info({ job: job.id }, 'job cancelled');
      final = { state: 'cancelled', stage: null, timings };
    } else {
      const error = jobError(e);
      ctx.logger.error({ job: job.id, code: error.code, err: describeThrown(e) }, 'job failed');
      final = { state: 'failed', stage: null, timings, error };
    }
  }
  // 5. Scratch goes before the end is announced (a requeued job loses its frames too: the next run rewrites them).
  await rm(requeued ? ctx.jobDir : path.join(ctx.jobDir, 'input'), { recursive: true, force: true }).catch(
    (e: unknown) => ctx.logger.warn({ job: job.id, err: describeThrown(e) }, 'scratch not removed'),
  );
  return ctx.update(requeued ? final : { ...final, finishedAt: new Date().toISOString() });
}

function jobError(e: unknown): JobError {
  if (e instanceof Error && 'code' in e && typeof e.code === 'string' && /^[A-Z]+_ERR_/.test(e.code)) {
    return { code: e.code, message: e.message };
  }
  return { code: 'SRV_ERR_JOB_FAILED', message: describeThrown(e) };
}
