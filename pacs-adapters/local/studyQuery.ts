import { pacsError } from '../errors.js';
import type { StudyFilter } from './types.js';

/** The WHERE clause and named parameters of a study query (table alias `s`). */
export interface StudyQuery {
  readonly where: string;
  readonly params: Readonly<Record<string, string>>;
  readonly limit: number;
  readonly offset: number;
}

const TEXT_FIELDS = {
  studyInstanceUid: 's.study_uid',
  patientId: 's.patient_id',
  patientName: 's.patient_name',
  accessionNumber: 's.accession_number',
  studyDescription: 's.study_description',
} as const satisfies Partial<Record<keyof StudyFilter, string>>;

const DATE = /^\d{8}$/;

/**
 * Translates a StudyFilter into SQL with bound parameters only (no value is spliced into the text).
 * Matching follows QIDO-RS: exact unless the value holds `*` / `?`; dates match a day or an inclusive range.
 * @throws PACS_ERR_BAD_ATTRIBUTE when studyDate is not YYYYMMDD or a range of them, or limit/offset are negative
 */
export function studyQuery(filter: StudyFilter): StudyQuery {
  const clauses: string[] = [];
  const params: Record<string, string> = {};
  for (const [key, column] of Object.entries(TEXT_FIELDS) as [keyof typeof TEXT_FIELDS, string][]) {
    const value = filter[key];
    if (value === undefined || value === '' || value === '*') continue;
    if (/[*?]/.test(value)) {
      clauses.push(`${column} LIKE @${key} ESCAPE '\\'`);
      params[key] = value
        .replace(/[\\%_]/g, (c) => `\\${c}`)
        .replace(/\*/g, '%')
        .replace(/\?/g, '_');
    } else {
      clauses.push(`${column} = @${key}`);
      params[key] = value;
    }
  }
  if (filter.studyDate !== undefined && filter.studyDate !== '') {
    const [from, to, extra] = filter.studyDate.split('-');
    const isRange = to !== undefined;
    const ok = extra === undefined && (from === '' || DATE.test(from)) && (!isRange || to === '' || DATE.test(to));
    if (!ok || (from === '' && (to ?? '') === '')) {
      throw pacsError(
        'PACS_ERR_BAD_ATTRIBUTE',
        `StudyDate filter is "${filter.studyDate}": expected YYYYMMDD or a range A-B, A-, -B`,
        {
          field: 'StudyDate',
          tag: '00080020',
        },
      );
    }
    if (!isRange) {
      clauses.push('s.study_date = @dateFrom');
      params.dateFrom = from;
    } else {
      if (from !== '') {
        clauses.push('s.study_date >= @dateFrom');
        params.dateFrom = from;
      }
      if (to !== '') {
        clauses.push('s.study_date <= @dateTo');
        params.dateTo = to;
      }
    }
  }
  if (filter.modality !== undefined && filter.modality !== '') {
    clauses.push('EXISTS (SELECT 1 FROM series m WHERE m.study_uid = s.study_uid AND m.modality = @modality)');
    params.modality = filter.modality;
  }
  const limit = filter.limit ?? -1;
  const offset = filter.offset ?? 0;
  if (
    !Number.isInteger(offset) ||
    offset < 0 ||
    !Number.isInteger(limit) ||
    (limit < 0 && filter.limit !== undefined)
  ) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `limit/offset are ${filter.limit}/${filter.offset}: expected integers >= 0`,
      {
        field: 'limit',
      },
    );
  }
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params, limit, offset };
}
