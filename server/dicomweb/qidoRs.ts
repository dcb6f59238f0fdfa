import type { Request, Response, Router } from 'express';
import type { StudyEntry, StudyFilter } from '../../pacs-adapters/index.js';
import { negotiateJson } from './accept.js';
import { audited } from './audited.js';
import { attribute, instanceToDicomJson, PIXEL_DATA_TAG, personName, sortedDataset } from './dicomJson.js';
import type { DicomJsonAttribute, DicomJsonDataset, DicomJsonValue } from './dicomJson.js';
import type { DicomWebContext } from './DicomWebContext.js';
import { resourceUids } from './pathParams.js';
import { SERIES_ATTRIBUTES, STUDY_ATTRIBUTES } from './qidoAttributes.js';
import type { QidoAttribute, QidoRow } from './qidoAttributes.js';
import { parseQidoQuery, scopeAttributes, type QidoQuery, type QidoScope } from './qidoQuery.js';

const FUZZY_WARNING = 'The fuzzymatching parameter is not supported. Only literal matching has been performed.';

const byKeyword = (list: readonly QidoAttribute[], keyword: string): QidoAttribute => {
  const a = list.find((x) => x.keyword === keyword);
  if (!a) throw new Error(`qidoRs: no attribute ${keyword}`);
  return a;
};
const STUDY_UID = byKeyword(STUDY_ATTRIBUTES, 'StudyInstanceUID');
const SERIES_UID = byKeyword(SERIES_ATTRIBUTES, 'SeriesInstanceUID');

/** A QIDO-RS resource: its scope and how its candidate rows are listed from the store. */
interface QidoResource {
  readonly scope: QidoScope;
  /** UID attributes of parent levels always returned (the path's study for `/studies/{s}/series`…). */
  readonly parentUids: readonly QidoAttribute[];
  rows(req: Request, ctx: DicomWebContext, q: QidoQuery): QidoRow[] | { paged: QidoRow[] };
}

/**
 * QIDO-RS (PS3.18 10.6): the six search resources over the LocalStore index. Answers are DICOM JSON arrays
 * (200, `[]` when nothing matches — also for an unknown study or series in the path).
 */
export function qidoRoutes(router: Router, ctx: DicomWebContext): void {
  const resources: Record<string, QidoResource> = {
    '/studies': { scope: { level: 'study', levels: ['study'] }, parentUids: [], rows: studyRows },
    '/studies/:study/series': {
      scope: { level: 'series', levels: ['series'] },
      parentUids: [STUDY_UID],
      rows: (req, c) => {
        const { study } = resourceUids(req);
        const entry = c.store.listStudies({ studyInstanceUid: study })[0];
        return entry === undefined ? [] : c.store.listSeries(study).map((series) => ({ study: entry, series }));
      },
    },
    '/series': {
      scope: { level: 'series', levels: ['series', 'study'] },
      parentUids: [],
      rows: (_req, c) => {
        const studies = studyMap(c);
        return c.store.listSeries().flatMap((series) => {
          const study = studies.get(series.studyInstanceUid);
          return study === undefined ? [] : [{ study, series }];
        });
      },
    },
    '/studies/:study/series/:series/instances': {
      scope: { level: 'instance', levels: ['instance'] },
      parentUids: [STUDY_UID, SERIES_UID],
      rows: (req, c) => {
        const { study, series } = resourceUids(req);
        const entry = c.store.listStudies({ studyInstanceUid: study })[0];
        const s =
          entry === undefined ? undefined : c.store.listSeries(study).find((x) => x.seriesInstanceUid === series);
        if (entry === undefined || s === undefined) return [];
        return c.store.listInstances(s.seriesInstanceUid).map((instance) => ({ study: entry, series: s, instance }));
      },
    },
    '/studies/:study/instances': {
      scope: { level: 'instance', levels: ['instance', 'series'] },
      parentUids: [STUDY_UID],
      rows: (req, c) => {
        const { study } = resourceUids(req);
        const entry = c.store.listStudies({ studyInstanceUid: study })[0];
        if (entry === undefined) return [];
        return c.store
          .listSeries(study)
          .flatMap((series) =>
            c.store.listInstances(series.seriesInstanceUid).map((instance) => ({ study: entry, series, instance })),
          );
      },
    },
    '/instances': {
      scope: { level: 'instance', levels: ['instance', 'series', 'study'] },
      parentUids: [],
      rows: (_req, c) => {
        const studies = studyMap(c);
        return c.store.listSeries().flatMap((series) => {
          const study = studies.get(series.studyInstanceUid);
          if (study === undefined) return [];
          return c.store.listInstances(series.seriesInstanceUid).map((instance) => ({ study, series, instance }));
        });
      },
    },
  };
  for (const [path, resource] of Object.entries(resources)) {
    router.get(
      path,
      audited(ctx, 'dicomweb.search', (req, res, c) => search(req, res, c, resource)),
    );
  }
}

function studyMap(ctx: DicomWebContext): Map<string, StudyEntry> {
  return new Map(ctx.store.listStudies().map((s) => [s.studyInstanceUid, s]));
}

/**
 * Study rows. Keys the LocalStore matches with the same rules (PatientID, PatientName, AccessionNumber,
 * StudyDescription, StudyDate, one StudyInstanceUID, one exact ModalitiesInStudy) go to its SQL query; when no
 * other key remains, limit and offset go there too (`paged`). Other keys are matched here.
 */
function studyRows(_req: Request, ctx: DicomWebContext, q: QidoQuery): QidoRow[] | { paged: QidoRow[] } {
  const filter: { -readonly [K in keyof StudyFilter]: StudyFilter[K] } = {};
  let remaining = 0;
  for (const m of q.matches) {
    switch (m.attr.keyword) {
      case 'PatientID':
        filter.patientId = m.value;
        break;
      case 'PatientName':
        filter.patientName = m.value;
        break;
      case 'AccessionNumber':
        filter.accessionNumber = m.value;
        break;
      case 'StudyDescription':
        filter.studyDescription = m.value;
        break;
      case 'StudyDate':
        filter.studyDate = m.value;
        break;
      case 'StudyInstanceUID':
        if (/^[0-9.]+$/.test(m.value)) filter.studyInstanceUid = m.value;
        else remaining++;
        break;
      case 'ModalitiesInStudy':
        if (/^[^*?,\\]+$/.test(m.value)) filter.modality = m.value;
        else remaining++;
        break;
      default:
        remaining++;
    }
  }
  if (remaining === 0) {
    const studies = ctx.store.listStudies({ ...filter, limit: q.limit, offset: q.offset });
    return { paged: studies.map((study) => ({ study })) };
  }
  return ctx.store.listStudies(filter).map((study) => ({ study }));
}

async function search(req: Request, res: Response, ctx: DicomWebContext, resource: QidoResource): Promise<void> {
  const started = Date.now();
  const type = negotiateJson(req);
  const q = parseQidoQuery(new URL(req.originalUrl, 'http://x').searchParams, resource.scope);
  const listed = resource.rows(req, ctx, q);
  let page: QidoRow[];
  if ('paged' in listed) page = listed.paged;
  else {
    const matched = listed.filter((row) => q.matches.every((m) => m.test(row)));
    page = matched.slice(q.offset, q.limit === undefined ? undefined : q.offset + q.limit);
  }

  const attrs = returnedAttributes(resource, q);
  const root = ctx.rootUrl(req);
  const fileCache = new Map<string, DicomJsonDataset>();
  const body: DicomJsonDataset[] = [];
  for (const row of page) {
    const out: Record<string, DicomJsonAttribute> = {};
    for (const a of attrs) out[a.tag] = encode(a, row, root);
    if (q.fromFile.length > 0) {
      const ds = await fileDataset(ctx, row, fileCache);
      for (const entry of q.fromFile) {
        if (entry.tag === PIXEL_DATA_TAG || out[entry.tag] !== undefined) continue;
        out[entry.tag] = ds?.[entry.tag] ?? { vr: entry.vr };
      }
    }
    body.push(sortedDataset(out));
  }

  const { study, series } = req.params as { study?: string; series?: string };
  const keys = q.matches.map((m) => m.attr.keyword).join(',') || 'none';
  ctx.audit(req, {
    action: 'dicomweb.search',
    studyInstanceUid: study,
    seriesInstanceUid: series,
    outcome: 'ok',
    detail: `QIDO ${resource.scope.level} ${req.route?.path ?? req.path}: keys ${keys}, ${body.length} result(s)`,
  });
  ctx.log.debug(
    { route: req.route?.path, level: resource.scope.level, keys, results: body.length, ms: Date.now() - started },
    'qido',
  );
  if (q.fuzzyAsked) res.set('Warning', `299 ${req.get('host') ?? 'gsdiff'}: "${FUZZY_WARNING}"`);
  res.status(200).type(type).send(JSON.stringify(body));
}

/** Defaults of every level in scope, the parent UIDs, then matching keys, includefield, or all with `all`. */
function returnedAttributes(resource: QidoResource, q: QidoQuery): QidoAttribute[] {
  const inScope = scopeAttributes(resource.scope);
  const chosen = new Map<string, QidoAttribute>();
  for (const a of inScope) if (a.required || q.includeAll) chosen.set(a.tag, a);
  for (const a of resource.parentUids) if (!chosen.has(a.tag)) chosen.set(a.tag, a);
  for (const a of q.returned) if (!chosen.has(a.tag)) chosen.set(a.tag, a);
  return [...chosen.values()];
}

function encode(a: QidoAttribute, row: QidoRow, root: string): DicomJsonAttribute {
  const raw = a.values(row, root);
  if (raw === undefined) return { vr: a.vr };
  const values: DicomJsonValue[] = raw.map((v) => (a.vr === 'PN' && typeof v === 'string' ? personName(v) : v));
  return attribute(a.vr, values);
}

/** The header of the instance that stands for a row: the instance itself, or the first of its series or study. */
async function fileDataset(
  ctx: DicomWebContext,
  row: QidoRow,
  cache: Map<string, DicomJsonDataset>,
): Promise<DicomJsonDataset | undefined> {
  const seriesUid =
    row.series?.seriesInstanceUid ?? ctx.store.listSeries(row.study.studyInstanceUid)[0]?.seriesInstanceUid;
  const sop =
    row.instance?.sopInstanceUid ??
    (seriesUid === undefined ? undefined : ctx.store.listInstances(seriesUid)[0]?.sopInstanceUid);
  if (sop === undefined) return undefined;
  const cached = cache.get(sop);
  if (cached) return cached;
  const ds = instanceToDicomJson(await ctx.store.readInstanceBytes(sop), sop, '');
  cache.set(sop, ds);
  return ds;
}
