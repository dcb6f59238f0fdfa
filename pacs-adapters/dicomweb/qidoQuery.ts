import { pacsError } from '../errors.js';
import { isUid } from '../local/uid.js';
import type { SeriesQuery, StudyQuery } from '../pacs/PacsAdapter.js';
import { TAG } from './tags.js';

/** Study-level fields asked for with `includefield` so every StudySummary field is filled where the PACS has it. */
const STUDY_FIELDS = [
  TAG.StudyDescription,
  TAG.ModalitiesInStudy,
  TAG.NumberOfStudyRelatedSeries,
  TAG.NumberOfStudyRelatedInstances,
];
const SERIES_FIELDS = [TAG.SeriesDescription, TAG.SeriesNumber, TAG.NumberOfSeriesRelatedInstances];
/** Instance-level fields SeriesFacts needs beyond the QIDO defaults (Modality, SOPClassUID come by default). */
export const FACT_FIELDS = [
  TAG.Modality,
  TAG.SOPClassUID,
  TAG.SeriesDescription,
  TAG.ConvolutionKernel,
  TAG.CTDIvol,
  TAG.ImageType,
];

/**
 * QIDO-RS query parameters for a study search (PS3.18 10.6.1): attribute matches by keyword, `limit`, `offset`,
 * and `includefield` for the summary fields.
 * @throws PACS_ERR_BAD_ATTRIBUTE when a value cannot be a valid match (bad UID, date range, limit…)
 */
export function studyParams(q: StudyQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.patientId !== undefined) p.set('PatientID', text('patientId', q.patientId, 64));
  if (q.studyDate !== undefined) p.set('StudyDate', dateRange(q.studyDate));
  if (q.accessionNumber !== undefined) p.set('AccessionNumber', text('accessionNumber', q.accessionNumber, 16));
  if (q.studyInstanceUid !== undefined) p.set('StudyInstanceUID', uid('studyInstanceUid', q.studyInstanceUid));
  if (q.modality !== undefined) p.set('ModalitiesInStudy', modality(q.modality));
  paging(p, q);
  for (const f of STUDY_FIELDS) p.append('includefield', f);
  return p;
}

/**
 * QIDO-RS query parameters for a series search within one study.
 * @throws PACS_ERR_BAD_ATTRIBUTE
 */
export function seriesParams(q: SeriesQuery): URLSearchParams {
  const p = new URLSearchParams();
  if (q.modality !== undefined) p.set('Modality', modality(q.modality));
  if (q.seriesInstanceUid !== undefined) p.set('SeriesInstanceUID', uid('seriesInstanceUid', q.seriesInstanceUid));
  paging(p, q);
  for (const f of SERIES_FIELDS) p.append('includefield', f);
  return p;
}

/**
 * A UID about to become a path segment of a URL: only digits and dots pass.
 * @throws PACS_ERR_BAD_ATTRIBUTE
 */
export function uid(field: string, value: string): string {
  if (typeof value === 'string' && isUid(value)) return value;
  throw pacsError(
    'PACS_ERR_BAD_ATTRIBUTE',
    `${field} is ${JSON.stringify(value)}: expected a DICOM UID (digits and dots, at most 64 characters)`,
    { field },
  );
}

function paging(p: URLSearchParams, q: { limit?: number; offset?: number }): void {
  if (q.limit !== undefined) p.set('limit', String(count('limit', q.limit, 1)));
  if (q.offset !== undefined) p.set('offset', String(count('offset', q.offset, 0)));
}

function count(field: string, value: number, min: number): number {
  if (Number.isSafeInteger(value) && value >= min) return value;
  throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `${field} is ${String(value)}: expected an integer >= ${min}`, { field });
}

/** DA match: a date, or a range with either end open (PS3.4 C.2.2.2.5). */
function dateRange(value: string): string {
  if (/^(\d{8}|\d{8}-|-\d{8}|\d{8}-\d{8})$/.test(value)) return value;
  throw pacsError(
    'PACS_ERR_BAD_ATTRIBUTE',
    `studyDate is ${JSON.stringify(value)}: expected YYYYMMDD or a range YYYYMMDD-YYYYMMDD (either end may be open)`,
    { field: 'studyDate', tag: TAG.StudyDate },
  );
}

function modality(value: string): string {
  if (/^[A-Z0-9_ ]{1,16}$/.test(value)) return value;
  throw pacsError(
    'PACS_ERR_BAD_ATTRIBUTE',
    `modality is ${JSON.stringify(value)}: expected a code string such as "CT" (A-Z, 0-9, _, at most 16)`,
    { field: 'modality', tag: TAG.Modality },
  );
}

/** LO/SH match values: no control characters and no backslash; `*` and `?` wildcards pass through. */
function text(field: string, value: string, max: number): string {
  // The value itself is not quoted: it may identify a patient.
  const printable = typeof value === 'string' && [...value].every((c) => c >= ' ' && c !== '\\' && c !== '\x7f');
  if (printable && value.length > 0 && value.length <= max) return value;
  throw pacsError(
    'PACS_ERR_BAD_ATTRIBUTE',
    `${field} has ${typeof value === 'string' ? value.length : 0} characters or a control character or backslash: expected 1..${max} printable characters`,
    { field },
  );
}
