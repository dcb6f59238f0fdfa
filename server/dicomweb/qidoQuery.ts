import { serverError } from '../errors.js';
import { lookupAttribute, type DictionaryEntry } from './dictionary.js';
import { ATTRIBUTES_BY_LEVEL, type QidoAttribute, type QidoLevel } from './qidoAttributes.js';
import { compileMatch, isUniversal, type RowMatcher } from './qidoMatch.js';

/**
 * Where a QIDO-RS query runs (PS3.18 10.6.1.2): its level, the levels whose attributes may be matched, and the
 * levels whose default attributes are returned (All Series also returns the study's, PS3.18 10.6.3.3).
 */
export interface QidoScope {
  readonly level: QidoLevel;
  /** Own level first, then parent levels that may be matched and returned. */
  readonly levels: readonly QidoLevel[];
}

/** One matching key of a query. */
export interface QidoMatch {
  readonly attr: QidoAttribute;
  /** The query value as given (never logged: it may be a patient name or ID). */
  readonly value: string;
  readonly test: RowMatcher;
}

/** A parsed, validated QIDO-RS query. */
export interface QidoQuery {
  /** Matching keys that restrict the result (universal values are not here). */
  readonly matches: readonly QidoMatch[];
  /** Attributes of the scope to return besides the defaults: matching keys, universal keys, includefield. */
  readonly returned: readonly QidoAttribute[];
  /** includefield attributes the index does not hold: read from a stored file (PS3.18 10.6.1.2.3). */
  readonly fromFile: readonly DictionaryEntry[];
  readonly includeAll: boolean;
  readonly limit?: number;
  readonly offset: number;
  /** fuzzymatching=true was asked (not supported: answered with a Warning header). */
  readonly fuzzyAsked: boolean;
}

/** The attributes of a scope, own level first; a tag present at two levels (RetrieveURL) keeps the first. */
export function scopeAttributes(scope: QidoScope): QidoAttribute[] {
  const seen = new Set<string>();
  const out: QidoAttribute[] = [];
  for (const level of scope.levels) {
    for (const a of ATTRIBUTES_BY_LEVEL[level]) {
      if (seen.has(a.tag)) continue;
      seen.add(a.tag);
      out.push(a);
    }
  }
  return out;
}

function badParam(name: string, message: string, extra: Record<string, string> = {}): Error {
  return serverError('SRV_ERR_BAD_REQUEST', `${name}: ${message}`, { field: name, ...extra });
}

function count(name: string, value: string, min: number): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < min) {
    throw badParam(name, `expected an integer >= ${min}, got ${JSON.stringify(value).slice(0, 40)}`);
  }
  return Number(value);
}

/**
 * Parses the query string of a QIDO-RS request. Attributes are named by keyword or by tag; `includefield` takes
 * a comma-separated list (repeatable) or `all`; `limit` >= 1, `offset` >= 0; `fuzzymatching` true or false.
 * UID attributes may repeat or list values (UID list matching); other attributes may appear once.
 * @throws SRV_ERR_BAD_REQUEST naming the parameter: unknown parameter or keyword, an attribute that is not a
 *   matching key of this level, a repeated key, a value that does not fit (UID, date range, integer)
 */
export function parseQidoQuery(params: URLSearchParams, scope: QidoScope): QidoQuery {
  const attributes = scopeAttributes(scope);
  const byTag = new Map(attributes.map((a) => [a.tag, a]));
  const values = new Map<string, string[]>();
  const returned = new Map<string, QidoAttribute>();
  const fromFile = new Map<string, DictionaryEntry>();
  let includeAll = false;
  let limit: number | undefined;
  let offset = 0;
  let fuzzyAsked = false;

  for (const [name, value] of params) {
    switch (name.toLowerCase()) {
      case 'limit':
        limit = count('limit', value, 1);
        continue;
      case 'offset':
        offset = count('offset', value, 0);
        continue;
      case 'fuzzymatching':
        if (value !== 'true' && value !== 'false') {
          throw badParam('fuzzymatching', `expected true or false, got ${JSON.stringify(value).slice(0, 40)}`);
        }
        fuzzyAsked = value === 'true';
        continue;
      case 'includefield':
        for (const item of value.split(',').map((v) => v.trim())) {
          if (item === 'all') {
            includeAll = true;
            continue;
          }
          const entry = lookupAttribute(item);
          if (entry === undefined) {
            throw badParam(
              'includefield',
              `expected "all" or attribute keywords or tags, got ${JSON.stringify(item).slice(0, 80)}`,
            );
          }
          const attr = byTag.get(entry.tag);
          if (attr) returned.set(attr.tag, attr);
          else fromFile.set(entry.tag, entry);
        }
        continue;
    }
    if (name.includes('.')) {
      throw badParam(name, 'sequence matching keys (tag.tag) are not supported: expected a top-level attribute');
    }
    const entry = lookupAttribute(name);
    if (entry === undefined) {
      throw badParam(
        name,
        'expected an attribute keyword or tag, or one of limit, offset, includefield, fuzzymatching',
      );
    }
    const attr = byTag.get(entry.tag);
    if (attr?.match === undefined) {
      const keys = attributes.filter((a) => a.match !== undefined).map((a) => a.keyword);
      throw badParam(
        name,
        `${entry.keyword} is not a matching key of a ${scope.level}-level query here: expected one of ${keys.join(', ')}`,
        {
          tag: entry.tag,
        },
      );
    }
    const previous = values.get(attr.tag);
    if (previous !== undefined && attr.match !== 'uid') {
      throw badParam(name, `${attr.keyword} given twice: expected one value (only UID attributes take lists)`, {
        tag: attr.tag,
      });
    }
    values.set(attr.tag, [...(previous ?? []), value]);
    returned.set(attr.tag, attr);
  }

  const matches: QidoMatch[] = [];
  for (const [tag, vs] of values) {
    const attr = byTag.get(tag);
    if (attr?.match === undefined) continue;
    const value = attr.match === 'uid' ? vs.filter((v) => v !== '').join(',') : vs[0];
    if (isUniversal(value)) continue;
    matches.push({ attr, value, test: compileMatch(attr, attr.match, value) });
  }
  return {
    matches,
    returned: [...returned.values()],
    fromFile: [...fromFile.values()],
    includeAll,
    limit,
    offset,
    fuzzyAsked,
  };
}
