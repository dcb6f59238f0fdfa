import dcmjs from 'dcmjs';
import { describeThrown } from '../../common/index.js';
import { transferSyntaxInfo } from '../../pacs-adapters/index.js';
import type { DicomJsonAttribute, DicomJsonDataset, DicomJsonValue, PersonNameJson } from '../../wire/index.js';
import { serverError } from '../errors.js';

/** The DICOM JSON types are the wire's (wire/DicomJson.ts); this file writes them from stored instances. */
export type { DicomJsonAttribute, DicomJsonDataset, DicomJsonValue, PersonNameJson };

/** The Pixel Data family: always sent as a BulkDataURI, never inline (PS3.18 F.2.6). */
export const PIXEL_DATA_TAG = '7FE00010';

const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const NUMERIC_VRS = new Set(['DS', 'IS', 'FL', 'FD', 'SL', 'SS', 'UL', 'US', 'SV', 'UV']);

interface DcmjsAttribute {
  readonly vr?: string;
  readonly Value?: readonly unknown[];
}
type DcmjsDict = Readonly<Record<string, DcmjsAttribute>>;

/**
 * An attribute from values: `{ vr }` alone when there is none (a present but empty attribute), else `{ vr, Value }`.
 */
export function attribute(vr: string, values: readonly DicomJsonValue[] | undefined): DicomJsonAttribute {
  return values === undefined || values.length === 0 ? { vr } : { vr, Value: values };
}

/** A PN string (`Family^Given=Ideographic=Phonetic`) as its DICOM JSON object. */
export function personName(value: string): PersonNameJson {
  const [alphabetic, ideographic, phonetic] = value.split('=');
  return {
    ...(alphabetic ? { Alphabetic: alphabetic } : {}),
    ...(ideographic ? { Ideographic: ideographic } : {}),
    ...(phonetic ? { Phonetic: phonetic } : {}),
  };
}

/** A data set with its keys in ascending tag order (PS3.18 F.2.1.1 asks for it). */
export function sortedDataset(attrs: Readonly<Record<string, DicomJsonAttribute>>): DicomJsonDataset {
  const out: Record<string, DicomJsonAttribute> = {};
  for (const tag of Object.keys(attrs).sort()) out[tag] = attrs[tag];
  return out;
}

/**
 * The DICOM JSON model (PS3.18 Annex F) of a stored Part 10 instance: every attribute up to the Pixel Data, which
 * becomes a BulkDataURI; other binary values (OB, OW, UN…) are InlineBinary (base64). The File Meta group (0002)
 * is left out. Text is decoded by dcmjs using SpecificCharacterSet, so SpecificCharacterSet reads "ISO_IR 192".
 * @param bytes - a Part 10 file
 * @param sopInstanceUid - names the instance in errors
 * @param bulkDataUri - the URI a client retrieves the Pixel Data from
 * @throws SRV_ERR_STORED_INSTANCE when dcmjs cannot read the file
 */
export function instanceToDicomJson(bytes: Uint8Array, sopInstanceUid: string, bulkDataUri: string): DicomJsonDataset {
  let meta: DcmjsDict;
  let dict: DcmjsDict;
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const read = dcmjs.data.DicomMessage.readFile(ab, { untilTag: PIXEL_DATA_TAG, includeUntilTagValue: false });
    meta = read.meta as DcmjsDict;
    dict = read.dict as DcmjsDict;
  } catch (e) {
    throw serverError(
      'SRV_ERR_STORED_INSTANCE',
      `metadata of SOPInstanceUID ${sopInstanceUid}: dcmjs could not read the stored file: ${describeThrown(e)}`,
      { sopInstanceUid },
      e,
    );
  }
  const out = convertDict(dict);
  if (dict[PIXEL_DATA_TAG] !== undefined) {
    const ts = stringOf(meta['00020010']);
    const info = ts === undefined ? undefined : transferSyntaxInfo(ts);
    const bits = numberOf(dict['00280100']);
    const vr = info !== undefined && info.encoding !== 'native' ? 'OB' : bits !== undefined && bits > 8 ? 'OW' : 'OB';
    out[PIXEL_DATA_TAG] = { vr, BulkDataURI: bulkDataUri };
  }
  return sortedDataset(out);
}

function convertDict(dict: DcmjsDict): Record<string, DicomJsonAttribute> {
  const out: Record<string, DicomJsonAttribute> = {};
  for (const [tag, el] of Object.entries(dict)) {
    if (tag === PIXEL_DATA_TAG || tag.startsWith('0002') || !/^[0-9A-F]{8}$/.test(tag)) continue;
    out[tag] = convertAttribute(el);
  }
  return out;
}

function convertAttribute(el: DcmjsAttribute): DicomJsonAttribute {
  const vr = el.vr ?? 'UN';
  const values = el.Value ?? [];
  if (vr === 'SQ') {
    return attribute(
      vr,
      values.map((item) => (isRecord(item) ? sortedDataset(convertDict(item as DcmjsDict)) : null)),
    );
  }
  if (BINARY_VRS.has(vr)) {
    const chunks = values.filter((v): v is ArrayBuffer => v instanceof ArrayBuffer).map((v) => Buffer.from(v));
    const total = chunks.reduce((n, c) => n + c.length, 0);
    return total === 0 ? { vr } : { vr, InlineBinary: Buffer.concat(chunks).toString('base64') };
  }
  if (vr === 'PN') return attribute(vr, nonEmpty(values.map(pnValue)));
  if (vr === 'AT') return attribute(vr, nonEmpty(values.map(atValue)));
  if (NUMERIC_VRS.has(vr)) return attribute(vr, nonEmpty(values.map(numericValue)));
  return attribute(vr, nonEmpty(values.map((v) => (typeof v === 'string' && v !== '' ? v : null))));
}

/** Values, or undefined when every value is empty (then the attribute is sent without Value). */
function nonEmpty(values: DicomJsonValue[]): DicomJsonValue[] | undefined {
  return values.every((v) => v === null) ? undefined : values;
}

function pnValue(v: unknown): DicomJsonValue {
  if (typeof v === 'string') return v === '' ? null : personName(v);
  if (isRecord(v)) {
    const pn = v as { Alphabetic?: unknown; Ideographic?: unknown; Phonetic?: unknown };
    const out: Record<string, string> = {};
    for (const group of ['Alphabetic', 'Ideographic', 'Phonetic'] as const) {
      const g = pn[group];
      if (typeof g === 'string' && g !== '') out[group] = g;
    }
    return Object.keys(out).length === 0 ? null : out;
  }
  return null;
}

function atValue(v: unknown): DicomJsonValue {
  if (typeof v === 'number') return v.toString(16).toUpperCase().padStart(8, '0');
  if (typeof v === 'string' && /^[0-9A-Fa-f]{8}$/.test(v)) return v.toUpperCase();
  return null;
}

function numericValue(v: unknown): DicomJsonValue {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function stringOf(el: DcmjsAttribute | undefined): string | undefined {
  const v = el?.Value?.[0];
  return typeof v === 'string' ? v.replace(/\0/g, '').trim() : undefined;
}

function numberOf(el: DcmjsAttribute | undefined): number | undefined {
  const v = el?.Value?.[0];
  return typeof v === 'number' ? v : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof ArrayBuffer);
}
