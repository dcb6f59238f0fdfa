import type { DicomJsonDataset } from '../../wire/index.js';
import { pacsError } from '../errors.js';

/** The DICOM JSON types are the wire's (wire/DicomJson.ts); this file reads what a PACS sends. */
export type { DicomJsonDataset };

/**
 * Checks that a parsed JSON body is a DICOM JSON array of data sets (QIDO-RS answers).
 * @throws PACS_ERR_BAD_RESPONSE naming the URL and the first element that is not a data set
 */
export function asDatasetArray(body: unknown, shownUrl: string): DicomJsonDataset[] {
  if (!Array.isArray(body)) {
    throw pacsError('PACS_ERR_BAD_RESPONSE', `${shownUrl}: expected a DICOM JSON array, got ${kindOf(body)}`, {
      url: shownUrl,
    });
  }
  body.forEach((item, i) => asDataset(item, `${shownUrl} [${i}]`));
  return body as DicomJsonDataset[];
}

/**
 * Checks that a value is a DICOM JSON data set: an object whose keys are tags and whose values carry a `vr`.
 * @throws PACS_ERR_BAD_RESPONSE
 */
export function asDataset(value: unknown, where: string): DicomJsonDataset {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw pacsError(
      'PACS_ERR_BAD_RESPONSE',
      `${where}: expected a DICOM JSON data set (object), got ${kindOf(value)}`,
      {
        url: where,
      },
    );
  }
  for (const [tag, attr] of Object.entries(value)) {
    const ok =
      /^[0-9A-Fa-f]{8}$/.test(tag) &&
      attr !== null &&
      typeof attr === 'object' &&
      typeof (attr as { vr?: unknown }).vr === 'string' &&
      ((attr as { Value?: unknown }).Value === undefined || Array.isArray((attr as { Value?: unknown }).Value));
    if (!ok) {
      throw pacsError(
        'PACS_ERR_BAD_RESPONSE',
        `${where}: attribute "${tag}" is not DICOM JSON: expected an 8-hex-digit tag with { vr, Value: [...] }`,
        { url: where, tag },
      );
    }
  }
  return value as DicomJsonDataset;
}

function values(ds: DicomJsonDataset, tag: string): readonly unknown[] {
  return ds[tag]?.Value ?? ds[tag.toLowerCase()]?.Value ?? [];
}

/** First value as a string (trimmed; numbers are stringified), or undefined when absent or empty. */
export function str(ds: DicomJsonDataset, tag: string): string | undefined {
  const v = values(ds, tag)[0];
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** Every string value (multi-valued CS such as ImageType or ModalitiesInStudy). */
export function strs(ds: DicomJsonDataset, tag: string): string[] {
  return values(ds, tag)
    .map((v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : ''))
    .filter((v) => v !== '');
}

/**
 * First value as a number. IS and DS are JSON numbers in PS3.18 F.2.3.1, but some servers send them as strings;
 * both are accepted. Undefined when absent or not a finite number.
 */
export function num(ds: DicomJsonDataset, tag: string): number | undefined {
  const v = values(ds, tag)[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** First PN value: its Alphabetic group (PS3.18 F.2.2), else Ideographic, else Phonetic; a bare string is accepted. */
export function personName(ds: DicomJsonDataset, tag: string): string | undefined {
  const v = values(ds, tag)[0];
  if (typeof v === 'string') return v.trim() === '' ? undefined : v;
  if (v !== null && typeof v === 'object') {
    const pn = v as { Alphabetic?: unknown; Ideographic?: unknown; Phonetic?: unknown };
    for (const group of [pn.Alphabetic, pn.Ideographic, pn.Phonetic]) {
      if (typeof group === 'string' && group.trim() !== '') return group;
    }
  }
  return undefined;
}

/** Items of a sequence (SQ) attribute; non-object items are refused. */
export function items(ds: DicomJsonDataset, tag: string, where: string): DicomJsonDataset[] {
  return values(ds, tag).map((item, i) => asDataset(item, `${where} ${tag}[${i}]`));
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
