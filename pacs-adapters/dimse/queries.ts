import type { SeriesQuery, StudyQuery } from '../pacs/PacsAdapter.js';
import { pacsError } from '../errors.js';
import { isUid } from '../local/uid.js';

/**
 * C-FIND identifiers (Study Root, PS3.4 C.6.2) built from the PacsAdapter queries. Each names the keys we want
 * back (zero-length = return it) and the keys we match on. Values are checked first: a backslash would turn a
 * value into a list, so it is refused, and UIDs must be UIDs.
 */
export type Identifier = Record<string, string | null>;

/** Keys of a STUDY-level C-FIND, filtered by `q`. */
export function studyIdentifier(q: StudyQuery): Identifier {
  return {
    QueryRetrieveLevel: 'STUDY',
    StudyInstanceUID: q.studyInstanceUid === undefined ? null : uid('studyInstanceUid', q.studyInstanceUid),
    PatientID: q.patientId === undefined ? null : text('patientId', q.patientId, 64),
    PatientName: null,
    StudyDate: q.studyDate === undefined ? null : dateRange(q.studyDate),
    StudyDescription: null,
    AccessionNumber: q.accessionNumber === undefined ? null : text('accessionNumber', q.accessionNumber, 16),
    ModalitiesInStudy: q.modality === undefined ? null : modality(q.modality),
    NumberOfStudyRelatedSeries: null,
    NumberOfStudyRelatedInstances: null,
  };
}

/** Keys of a SERIES-level C-FIND within one study. */
export function seriesIdentifier(studyInstanceUid: string, q: SeriesQuery): Identifier {
  return {
    QueryRetrieveLevel: 'SERIES',
    StudyInstanceUID: uid('studyInstanceUid', studyInstanceUid),
    SeriesInstanceUID: q.seriesInstanceUid === undefined ? null : uid('seriesInstanceUid', q.seriesInstanceUid),
    Modality: q.modality === undefined ? null : modality(q.modality),
    SeriesNumber: null,
    SeriesDescription: null,
    NumberOfSeriesRelatedInstances: null,
  };
}

/** Keys of an IMAGE-level C-FIND listing one series. */
export function instanceIdentifier(studyInstanceUid: string, seriesInstanceUid: string): Identifier {
  return {
    QueryRetrieveLevel: 'IMAGE',
    StudyInstanceUID: uid('studyInstanceUid', studyInstanceUid),
    SeriesInstanceUID: uid('seriesInstanceUid', seriesInstanceUid),
    SOPInstanceUID: null,
    SOPClassUID: null,
    InstanceNumber: null,
  };
}

/** Keys of an IMAGE-level C-FIND for the attributes `seriesFacts` reports, for one instance. */
export function factsIdentifier(
  studyInstanceUid: string,
  seriesInstanceUid: string,
  sopInstanceUid: string,
): Identifier {
  return {
    QueryRetrieveLevel: 'IMAGE',
    StudyInstanceUID: uid('studyInstanceUid', studyInstanceUid),
    SeriesInstanceUID: uid('seriesInstanceUid', seriesInstanceUid),
    SOPInstanceUID: uid('sopInstanceUid', sopInstanceUid),
    SOPClassUID: null,
    Modality: null,
    SeriesDescription: null,
    ConvolutionKernel: null,
    CTDIvol: null,
    ImageType: null,
  };
}

/** `limit` and `offset` of a query: integers >= 0 (applied after sorting; C-FIND has no paging). */
export function paging(q: { limit?: number; offset?: number }): { limit: number; offset: number } {
  const check = (field: string, v: number | undefined, min: number): number | undefined => {
    if (v === undefined) return undefined;
    if (!Number.isSafeInteger(v) || v < min) {
      throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `query ${field} is ${String(v)}: expected an integer >= ${min}`, {
        field,
      });
    }
    return v;
  };
  return { limit: check('limit', q.limit, 1) ?? Number.MAX_SAFE_INTEGER, offset: check('offset', q.offset, 0) ?? 0 };
}

/** @throws PACS_ERR_BAD_ATTRIBUTE when `value` is not a DICOM UID */
export function uid(field: string, value: string): string {
  if (typeof value === 'string' && isUid(value)) return value;
  throw pacsError(
    'PACS_ERR_BAD_ATTRIBUTE',
    `query ${field} is ${JSON.stringify(String(value).slice(0, 80))}: expected a DICOM UID (digits and dots, at most 64 characters)`,
    { field },
  );
}

function text(field: string, value: string, max: number): string {
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > max ||
    !/^[^\\]+$/.test(value) ||
    hasControl(value)
  ) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `query ${field} is ${JSON.stringify(String(value).slice(0, 80))}: expected 1-${max} characters without backslash or control characters (* and ? are wildcards)`,
      { field },
    );
  }
  return value;
}

function dateRange(value: string): string {
  const m = /^(\d{8})?(-)?(\d{8})?$/.exec(value);
  if (!m || value === '' || value === '-' || (m[2] === undefined && m[3] !== undefined)) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `query studyDate is ${JSON.stringify(value.slice(0, 40))}: expected YYYYMMDD, YYYYMMDD-YYYYMMDD, YYYYMMDD- or -YYYYMMDD`,
      { field: 'studyDate' },
    );
  }
  return value;
}

function modality(value: string): string {
  if (typeof value !== 'string' || !/^[A-Z0-9_ ]{1,16}$/.test(value)) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `query modality is ${JSON.stringify(String(value).slice(0, 40))}: expected a DICOM modality code (e.g. CT)`,
      { field: 'modality' },
    );
  }
  return value;
}

function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) < 0x20 || value.charCodeAt(i) === 0x7f) return true;
  return false;
}
