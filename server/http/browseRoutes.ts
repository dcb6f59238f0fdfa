import { Router } from 'express';
import type { PacsAdapter } from '../../pacs-adapters/index.js';
import { serverError } from '../errors.js';
import { checkUid } from './uid.js';

/**
 * Browsing the configured sources: `GET /sources`, `/sources/{id}/studies`, `/sources/{id}/studies/{study}/series`.
 * Answers are the adapters' summaries as JSON (the viewer's study browser); query fields map to the adapter query.
 */
export function browseRoutes(sources: ReadonlyMap<string, PacsAdapter>): Router {
  const r = Router();
  const source = (id: string): PacsAdapter => {
    const a = sources.get(id);
    if (!a)
      throw serverError('SRV_ERR_NOT_FOUND', `source "${id}": expected one of ${[...sources.keys()].join(', ')}`, {
        field: 'source',
      });
    return a;
  };
  const limit = (v: unknown): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 10000)
      throw serverError('SRV_ERR_BAD_REQUEST', `limit: expected 1..10000, got ${String(v)}`, { field: 'limit' });
    return n;
  };
  r.get('/sources', (_req, res) => {
    res.json([...sources.entries()].map(([id, a]) => ({ id, name: a.name })));
  });
  r.get('/sources/:source/studies', async (req, res) => {
    const q = req.query;
    const str = (k: string): string | undefined => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
    res.json(
      await source(req.params.source).searchStudies({
        patientId: str('PatientID'),
        studyDate: str('StudyDate'),
        accessionNumber: str('AccessionNumber'),
        modality: str('ModalitiesInStudy'),
        limit: limit(q.limit),
        offset: q.offset === undefined ? undefined : Number(q.offset) || 0,
      }),
    );
  });
  r.get('/sources/:source/studies/:study/series', async (req, res) => {
    res.json(await source(req.params.source).searchSeries(checkUid(req.params.study, 'study')));
  });
  return r;
}
