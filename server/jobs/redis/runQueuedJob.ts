import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Logger } from '../../../common/index.js';
import type { DeviceRequest } from '../../../models/index.js';
import type { PacsAdapter } from '../../../pacs-adapters/index.js';
import type { JobRecord } from '../JobRecord.js';
import type { PackPool } from '../PackPool.js';
import { pullSeries } from '../stages/pullSeries.js';
import { restoreFrames } from '../stages/restoreFrames.js';
import type { OutWriter } from './OutWriter.js';
import type { QueuedJobData } from './QueuedJobData.js';
import { KEYS, MARKER_TTL_S } from './queueKeys.js';

/** What one run of a queued job gets from its worker. */
export interface QueuedRunContext {
  readonly data: QueuedJobData;
  /** Runs started of this job, this one included. */
  readonly number: number;
  readonly out: OutWriter;
  readonly redis: Redis;
  /** The source to pull from ('local': the server's DICOMweb). */
  readonly source: PacsAdapter;
  readonly packs: PackPool;
  readonly packDir: string;
  readonly device: DeviceRequest;
  /** `<worker data>/jobs/<id>`: this run's scratch (pulled instances). */
  readonly jobDir: string;
  readonly softwareVersion: string;
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

export interface QueuedRunResult {
  readonly derivedSeriesInstanceUid: string;
  readonly instances: number;
}

/**
 * One attempt of a queued job on a worker: pull (through the source adapter into scratch), restore with the job's
 * seed, and write everything to the output stream; the server commits. Ends with the `complete` entry. The
 * caller writes `failed` / `released` on errors.
 * @throws every error of pulling and restoring (MODEL_ERR_CANCELLED when the signal aborts)
 */
export async function runQueuedJob(c: QueuedRunContext): Promise<QueuedRunResult> {
  const { data, out } = c;
  let record: JobRecord = {
    id: data.jobId,
    spec: data.spec,
    actor: 'queue',
    state: 'running',
    progress: { done: 0, total: 0 },
    timings: {},
    attempts: c.number,
    seed: data.seed,
    createdAt: new Date().toISOString(),
  };
  await rm(c.jobDir, { recursive: true, force: true });
  try {
    out.record({ stage: 'pull' });
    let t0 = performance.now();
    const pulled = await pullSeries(undefined, {
      job: record,
      jobDir: c.jobDir,
      sourceId: data.spec.sourceId,
      source: c.source,
      signal: c.signal,
    });
    const pullMs = Math.round(performance.now() - t0);
    const study = pulled.series.studyInstanceUid;
    // derivedSeriesSpec numbers a derived series source + 1000, stepping past taken numbers.
    const base = (pulled.series.firstHeader.seriesNumber ?? 0) + 1000;
    const number = await reserveSeriesNumber(c, study, base);
    out.record({ stage: 'restore' });
    t0 = performance.now();
    const restored = await restoreFrames(
      pulled,
      {
        job: record,
        packs: c.packs,
        packDir: c.packDir,
        device: c.device,
        defaultSteps: data.defaultSteps,
        softwareVersion: c.softwareVersion,
        signal: c.signal,
        logger: c.logger,
        update: (patch) => {
          out.record({
            ...(patch.derivedSeriesInstanceUid ? { derivedSeriesInstanceUid: patch.derivedSeriesInstanceUid } : {}),
            ...(patch.degradation ? { degradation: patch.degradation } : {}),
            ...(patch.progress ? { progress: patch.progress } : {}),
          });
          record = { ...record, ...(patch.degradation ? { degradation: patch.degradation } : {}) };
          return record;
        },
        // The number reserved in Redis: everything from source + 1000 below it counts as taken.
        takenSeriesNumbers: () => Array.from({ length: number - base }, (_, i) => base + i),
        reserveSeriesNumber: () => undefined,
      },
      out,
    );
    c.signal.throwIfAborted();
    const derived = restored.derivedSeries.seriesInstanceUid;
    await out.complete(derived, restored.instances, {
      pull: pullMs,
      restore: Object.fromEntries(Object.entries(restored.timings).map(([k, v]) => [k, Math.round(v)])),
    });
    c.logger.info({ job: data.jobId, ms: Math.round(performance.now() - t0) + pullMs }, 'queue: job output complete');
    return { derivedSeriesInstanceUid: derived, instances: restored.instances };
  } finally {
    await rm(c.jobDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * A SeriesNumber for the derived series no other job of the study holds: the study's numbers at the server (QIDO)
 * are skipped, then the first number SADD accepts is taken, so workers on several machines never pick the same one.
 */
async function reserveSeriesNumber(c: QueuedRunContext, study: string, from: number): Promise<number> {
  const taken = new Set<number>();
  for (const s of await c.source.searchSeries(study, {}, c.signal).catch(() => [])) {
    if (s.seriesNumber !== undefined) taken.add(s.seriesNumber);
  }
  const key = KEYS.seriesNumbers(study);
  for (let n = from; ; n++) {
    if (taken.has(n)) continue;
    if ((await c.redis.sadd(key, String(n))) === 1) {
      await c.redis.expire(key, MARKER_TTL_S);
      return n;
    }
  }
}

/** The scratch folder of one job on a worker. */
export function workerJobDir(dataDir: string, jobId: string): string {
  return path.join(dataDir, 'jobs', jobId);
}
