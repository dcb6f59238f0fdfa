import type { Request } from 'express';
import { serverError } from '../errors.js';

/** One media range of an Accept header (RFC 9110 12.5.1), parameters lower-cased by name, quotes removed. */
export interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
  readonly q: number;
}

/** Explicit VR Little Endian: the syntax of uncompressed frames and bulk data (PS3.18 8.7.3.5.2). */
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';

/**
 * Parses an Accept header into media ranges, highest q first (ties keep header order). Commas and semicolons inside
 * quoted parameter values are respected. A missing header is `*\/*`. Ranges with q=0 are dropped.
 * @throws SRV_ERR_BAD_REQUEST for a range that is not `type/subtype`
 */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') return [{ type: '*', subtype: '*', params: new Map(), q: 1 }];
  const ranges: MediaRange[] = [];
  for (const item of splitOutsideQuotes(header, ',')) {
    if (item.trim() === '') continue;
    const [essence, ...paramTexts] = splitOutsideQuotes(item, ';');
    const m = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\/([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*$/.exec(essence);
    if (!m) {
      throw serverError('SRV_ERR_BAD_REQUEST', `Accept: expected media ranges "type/subtype", got "${item.trim()}"`, {
        field: 'Accept',
      });
    }
    const params = new Map<string, string>();
    let q = 1;
    for (const p of paramTexts) {
      const eq = p.indexOf('=');
      if (eq < 0) continue;
      const name = p.slice(0, eq).trim().toLowerCase();
      let value = p.slice(eq + 1).trim();
      if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
      if (name === 'q') {
        const n = Number(value);
        q = Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 1;
      } else params.set(name, value);
    }
    if (q > 0) ranges.push({ type: m[1].toLowerCase(), subtype: m[2].toLowerCase(), params, q });
  }
  return ranges
    .map((r, i) => ({ r, i }))
    .sort((a, b) => b.r.q - a.r.q || a.i - b.i)
    .map(({ r }) => r);
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of text) {
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

function notAcceptable(req: Request, offered: string, details: Record<string, string> = {}): Error {
  const accept = req.get('accept') ?? '';
  return serverError(
    'SRV_ERR_NOT_ACCEPTABLE',
    `${req.method} ${req.baseUrl}${req.path}: expected an Accept header that allows ${offered}, got "${accept}"`,
    { field: 'Accept', accept, ...details },
  );
}

const matches = (r: MediaRange, type: string, subtype: string): boolean =>
  (r.type === '*' || r.type === type) && (r.subtype === '*' || r.subtype === subtype);

/**
 * QIDO-RS and metadata answers: `application/dicom+json`, or `application/json` when only that is accepted
 * (PS3.18 8.7.5; XML is not offered).
 * @throws SRV_ERR_NOT_ACCEPTABLE
 */
export function negotiateJson(req: Request): 'application/dicom+json' | 'application/json' {
  for (const r of parseAccept(req.get('accept'))) {
    if (matches(r, 'application', 'dicom+json')) return 'application/dicom+json';
    if (r.type === 'application' && r.subtype === 'json') return 'application/json';
  }
  throw notAcceptable(req, 'application/dicom+json or application/json');
}

/** What a WADO-RS instance retrieve sends: the stored bytes, whose syntaxes the request allows. */
export interface DicomNegotiation {
  /** The `transfer-syntax` asked for: `*`, a UID, or undefined (none named: the stored syntax is sent). */
  readonly transferSyntax: string | undefined;
}

/**
 * WADO-RS retrieve of instances (PS3.18 10.4.1.2): `multipart/related; type="application/dicom"` (or `multipart/*`,
 * `*\/*`, `multipart/related` without type). Instances are sent as stored, never transcoded: a range naming a
 * `transfer-syntax` other than `*` is acceptable only when every instance is stored in that syntax.
 * @param storedSyntaxes - the TransferSyntaxUIDs of the instances to send
 * @throws SRV_ERR_NOT_ACCEPTABLE when no range allows application/dicom in a stored syntax
 */
export function negotiateDicom(req: Request, storedSyntaxes: ReadonlySet<string>): DicomNegotiation {
  let transcodingAsked: string | undefined;
  for (const r of parseAccept(req.get('accept'))) {
    const type = r.params.get('type')?.toLowerCase();
    const multipart = matches(r, 'multipart', 'related');
    if (!multipart || (type !== undefined && type !== 'application/dicom')) continue;
    const ts = r.params.get('transfer-syntax');
    if (ts === undefined || ts === '*') return { transferSyntax: ts };
    if ([...storedSyntaxes].every((s) => s === ts)) return { transferSyntax: ts };
    transcodingAsked ??= ts;
  }
  const stored = [...storedSyntaxes].sort().join(',');
  if (transcodingAsked !== undefined) {
    throw serverError(
      'SRV_ERR_NOT_ACCEPTABLE',
      `${req.method} ${req.baseUrl}${req.path}: transfer-syntax ${transcodingAsked} asked, but the instances are stored as ${stored} and this server does not transcode: expected transfer-syntax=* or one of the stored syntaxes`,
      { field: 'Accept', accept: req.get('accept') ?? '', transferSyntax: transcodingAsked, stored },
    );
  }
  throw notAcceptable(req, 'multipart/related; type="application/dicom"', { stored });
}

/**
 * Frames and bulk data (PS3.18 10.4.1.3): `multipart/related; type="application/octet-stream"` with no
 * transfer-syntax, `*` or Explicit VR Little Endian; `multipart/*` and `*\/*` too. Pixels are always sent
 * uncompressed; compressed frame media types (image/jls, image/jp2…) are not offered.
 * @throws SRV_ERR_NOT_ACCEPTABLE
 */
export function negotiateOctetStream(req: Request): void {
  for (const r of parseAccept(req.get('accept'))) {
    const type = r.params.get('type')?.toLowerCase();
    if (!matches(r, 'multipart', 'related')) continue;
    if (type !== undefined && type !== 'application/octet-stream') continue;
    const ts = r.params.get('transfer-syntax');
    if (ts === undefined || ts === '*' || ts === EXPLICIT_VR_LE) return;
  }
  throw notAcceptable(req, `multipart/related; type="application/octet-stream" (uncompressed, ${EXPLICIT_VR_LE})`);
}
