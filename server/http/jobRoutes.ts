import { Router, type Request } from 'express';
import type { DeviceRequest, Strength } from '../../models/index.js';
import { DEVICE_REQUESTS, isStrength, STRENGTHS } from '../../models/index.js';
import { DERIVED_VIDEO_ENCODINGS, isDerivedVideoEncoding } from '../../pacs-adapters/index.js';
import type { AuditLog } from '../AuditLog.js';
import type { JobSpec } from '../jobs/index.js';
import { serverError } from '../errors.js';
import { checkUid } from './uid.js';

/** What the routes need of the job system (server/jobs implements it). */
export interface JobsApi {
  submit(spec: JobSpec, actor: string): unknown;
  get(id: string): unknown;
  list(filter: { state?: string; limit?: number; offset?: number }): unknown;
  cancel(id: string): unknown;
}

/**
 * `POST /jobs`, `GET /jobs`, `GET /jobs/{id}`, `DELETE /jobs/{id}`; body fields validated here, once. A job without
 * `pushBack` takes its source's `pushBack` setting (GSDIFF_SOURCES), so a site configures it once per PACS.
 */
export function jobRoutes(
  jobs: JobsApi,
  audit: AuditLog,
  actorOf: (req: Request) => string,
  sourcePushBack: (sourceId: string) => boolean = () => false,
): Router {
  const r = Router();
  r.post('/jobs', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const task = b.task ?? 'auto';
    if (task !== 'denoise' && task !== 'deblur' && task !== 'auto') {
      throw serverError('SRV_ERR_BAD_REQUEST', `task: expected denoise | deblur | auto, got ${JSON.stringify(task)}`, {
        field: 'task',
      });
    }
    if (b.device !== undefined && !DEVICE_REQUESTS.includes(b.device as DeviceRequest)) {
      throw serverError(
        'SRV_ERR_BAD_REQUEST',
        `device: expected ${DEVICE_REQUESTS.join(' | ')}, got ${JSON.stringify(b.device)}`,
        { field: 'device' },
      );
    }
    if (
      b.steps !== undefined &&
      !(Number.isInteger(b.steps) && (b.steps as number) >= 1 && (b.steps as number) <= 1000)
    ) {
      throw serverError('SRV_ERR_BAD_REQUEST', `steps: expected an integer 1..1000, got ${JSON.stringify(b.steps)}`, {
        field: 'steps',
      });
    }
    if (b.strength !== undefined && !isStrength(b.strength)) {
      throw serverError(
        'SRV_ERR_BAD_REQUEST',
        `strength: expected ${STRENGTHS.join(' | ')}, got ${JSON.stringify(b.strength)}`,
        { field: 'strength' },
      );
    }
    if (b.video !== undefined && !isDerivedVideoEncoding(b.video)) {
      throw serverError(
        'SRV_ERR_BAD_REQUEST',
        `video: expected ${DERIVED_VIDEO_ENCODINGS.join(' | ')} (or absent for lossless), got ${JSON.stringify(b.video)}`,
        { field: 'video' },
      );
    }
    if (b.pack !== undefined && (typeof b.pack !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(b.pack))) {
      throw serverError(
        'SRV_ERR_BAD_REQUEST',
        `pack: expected the name of an installed pack, got ${JSON.stringify(b.pack)}`,
        { field: 'pack' },
      );
    }
    if (b.pushBack !== undefined && typeof b.pushBack !== 'boolean') {
      throw serverError('SRV_ERR_BAD_REQUEST', `pushBack: expected true or false, got ${JSON.stringify(b.pushBack)}`, {
        field: 'pushBack',
      });
    }
    const sourceId = typeof b.source === 'string' ? b.source : 'local';
    const spec: JobSpec = {
      sourceId,
      studyInstanceUid: checkUid(b.studyInstanceUid, 'studyInstanceUid'),
      seriesInstanceUid: checkUid(b.seriesInstanceUid, 'seriesInstanceUid'),
      task,
      pack: b.pack as string | undefined,
      steps: b.steps as number | undefined,
      strength: b.strength as Strength | undefined,
      device: b.device as DeviceRequest | undefined,
      ...(isDerivedVideoEncoding(b.video) ? { video: b.video } : {}),
      pushBack: typeof b.pushBack === 'boolean' ? b.pushBack : sourcePushBack(sourceId),
    };
    const job = await jobs.submit(spec, actorOf(req));
    audit.record({
      actor: actorOf(req),
      action: 'job.create',
      studyInstanceUid: spec.studyInstanceUid,
      seriesInstanceUid: spec.seriesInstanceUid,
      outcome: 'ok',
      jobId: (job as { id?: string }).id,
    });
    res.status(201).json(job);
  });
  r.get('/jobs', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    res.json(
      await jobs.list({
        state,
        limit: req.query.limit ? Number(req.query.limit) : undefined,
        offset: req.query.offset ? Number(req.query.offset) : undefined,
      }),
    );
  });
  r.get('/jobs/:id', async (req, res) => {
    const job = await jobs.get(req.params.id);
    if (!job)
      throw serverError('SRV_ERR_NOT_FOUND', `job ${req.params.id}: expected an existing job id`, {
        job: req.params.id,
      });
    res.json(job);
  });
  r.delete('/jobs/:id', async (req, res) => {
    const job = await jobs.cancel(req.params.id);
    audit.record({ actor: actorOf(req), action: 'job.cancel', jobId: req.params.id, outcome: 'ok' });
    res.json(job);
  });
  return r;
}
