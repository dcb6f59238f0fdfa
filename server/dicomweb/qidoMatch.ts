import { isUid } from '../../pacs-adapters/index.js';
import { serverError } from '../errors.js';
import type { MatchKind, QidoAttribute, QidoRow, RawValue } from './qidoAttributes.js';

/** A compiled matching key: true when a row matches. */
export type RowMatcher = (row: QidoRow) => boolean;

const DATE = /^\d{8}$/;
const TIME = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;

function bad(attr: QidoAttribute, value: string, expected: string): Error {
  return serverError(
    'SRV_ERR_BAD_REQUEST',
    `${attr.keyword} (${attr.tag}) is ${JSON.stringify(value).slice(0, 100)}: expected ${expected}`,
    { field: attr.keyword, tag: attr.tag },
  );
}

/** True when a text value asks for universal matching: empty or a lone `*` (PS3.4 C.2.2.2.3). */
export function isUniversal(value: string): boolean {
  return value === '' || value === '*';
}

/** The UIDs of a UID list value: separated by commas or backslashes (PS3.18 8.3.4.1). */
export function uidList(attr: QidoAttribute, value: string): string[] {
  const uids = value.split(/[,\\]/).map((u) => u.trim());
  for (const u of uids) if (!isUid(u)) throw bad(attr, value, 'a UID or a list of UIDs separated by commas');
  return uids;
}

/**
 * A date range DA: `YYYYMMDD`, `A-B`, `A-` or `-B` (inclusive), as the LocalStore's studyQuery accepts it.
 * @returns [from, to], either possibly empty (open)
 */
function dateRange(attr: QidoAttribute, value: string): [string, string] {
  const [from, to, extra] = value.split('-');
  const ok =
    extra === undefined && (from === '' || DATE.test(from)) && (to === undefined || to === '' || DATE.test(to));
  if (!ok || (from === '' && (to ?? '') === '')) throw bad(attr, value, 'YYYYMMDD or a range A-B, A-, -B');
  return to === undefined ? [from, from] : [from, to];
}

/** TM as seconds since midnight; a partial upper bound (`HH`, `HHMM`) covers its whole hour or minute. */
function seconds(tm: string, upper: boolean): number {
  const h = Number(tm.slice(0, 2));
  const m = tm.length >= 4 ? Number(tm.slice(2, 4)) : upper ? 59 : 0;
  const s = tm.length >= 6 ? Number(tm.slice(4)) : upper ? 59.999999 : 0;
  return h * 3600 + m * 60 + s;
}

function timeRange(attr: QidoAttribute, value: string): [number, number] {
  const [from, to, extra] = value.split('-');
  const ok =
    extra === undefined && (from === '' || TIME.test(from)) && (to === undefined || to === '' || TIME.test(to));
  if (!ok || (from === '' && (to ?? '') === ''))
    throw bad(attr, value, 'HHMMSS[.FFFFFF] (or a prefix) or a range A-B, A-, -B');
  if (to === undefined) return [seconds(from, false), seconds(from, true)];
  return [from === '' ? -Infinity : seconds(from, false), to === '' ? Infinity : seconds(to, true)];
}

/** ASCII-only lower-casing: wildcard matching is case-insensitive for ASCII letters only, as SQLite LIKE is. */
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Single value matching (exact, case-sensitive) unless the value holds `*` or `?`: then wildcard matching, ASCII
 * case-insensitive — the same rules as the LocalStore's study query, so both paths give the same answer.
 */
export function textMatcher(value: string): (candidate: string) => boolean {
  if (!/[*?]/.test(value)) return (c) => c === value;
  const source = [...value]
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${asciiLower(source)}$`, 's');
  return (c) => re.test(asciiLower(c));
}

const strings = (vs: readonly RawValue[] | undefined): string[] => (vs ?? []).map(String);

/**
 * Compiles one matching key of a query into a row predicate.
 * @param attr - the attribute matched
 * @param kind - its matching rule
 * @param value - the query value (not universal: callers skip those)
 * @throws SRV_ERR_BAD_REQUEST when the value does not fit the attribute (bad UID, date range, number)
 */
export function compileMatch(attr: QidoAttribute, kind: MatchKind, value: string): RowMatcher {
  const valuesOf = (row: QidoRow): string[] => strings(attr.values(row, ''));
  switch (kind) {
    case 'uid': {
      const set = new Set(uidList(attr, value));
      return (row) => valuesOf(row).some((v) => set.has(v));
    }
    case 'date': {
      const [from, to] = dateRange(attr, value);
      return (row) => valuesOf(row).some((v) => DATE.test(v) && (from === '' || v >= from) && (to === '' || v <= to));
    }
    case 'time': {
      const [from, to] = timeRange(attr, value);
      return (row) =>
        valuesOf(row).some((v) => {
          const t = /^\d{2,6}(\.\d+)?/.exec(v)?.[0];
          if (t === undefined) return false;
          const s = seconds(t, false);
          return s >= from && s <= to;
        });
    }
    case 'number': {
      if (!/^-?\d{1,12}$/.test(value)) throw bad(attr, value, 'an integer');
      const n = Number(value);
      return (row) => (attr.values(row, '') ?? []).some((v) => Number(v) === n);
    }
    case 'modalities': {
      const any = value.split(/[,\\]/).map((v) => textMatcher(v.trim()));
      return (row) => valuesOf(row).some((v) => any.some((m) => m(v)));
    }
    case 'text': {
      if (value.length > 1024) throw bad(attr, value, 'at most 1024 characters');
      const m = textMatcher(value);
      return (row) => valuesOf(row).some(m);
    }
  }
}
