import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import { EXPLICIT_BE, EXPLICIT_LE, IMPLICIT_LE } from './transferSyntax.js';

export type DataSet = dicomParser.DataSet;

export interface ParseOptions {
  /** Stop at this tag (e.g. 'x7fe00010' to read headers only). */
  untilTag?: string;
  /** Upper bound on the inflated size of a deflated data set; guards against deflate bombs. */
  maxInflatedBytes?: number;
}

export interface ParsedDataSet {
  dataSet: DataSet;
  transferSyntaxUid: string;
  /** True when the bytes had no Part 10 preamble/meta and the syntax was inferred from the first element. */
  inferredTransferSyntax: boolean;
}

const DEFAULT_MAX_INFLATED = 2 * 1024 * 1024 * 1024;

/**
 * Parses DICOM bytes with dicom-parser, including bare data sets without the Part 10 header, whose transfer
 * syntax is inferred from how the first element is encoded.
 * @throws PACS_ERR_NOT_DICOM when the bytes are neither; PACS_ERR_PARSE when the data set is malformed.
 */
export function parseDataSet(bytes: Uint8Array, file: string, options: ParseOptions = {}): ParsedDataSet {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    throw pacsError('PACS_ERR_NOT_DICOM', 'file is gzip-compressed: expected a DICOM Part 10 file, got a gzip stream', {
      file,
      field: 'preamble',
    });
  }
  const hasPrefix =
    bytes.length >= 132 && String.fromCharCode(bytes[128], bytes[129], bytes[130], bytes[131]) === 'DICM';
  let inferred: string | undefined;
  if (!hasPrefix) {
    inferred = sniffBareTransferSyntax(bytes);
    if (inferred === undefined) {
      throw pacsError(
        'PACS_ERR_NOT_DICOM',
        'no "DICM" prefix at byte 128 and the first bytes are not a DICOM element: expected a DICOM file',
        { file, field: 'preamble' },
      );
    }
  }
  const maxInflated = options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED;
  const parseOptions = {
    untilTag: options.untilTag,
    TransferSyntaxUID: inferred,
    // Bounded inflate: zlib stops at maxOutputLength instead of growing without limit on a deflate bomb.
    inflater: (buffer: Uint8Array, position: number): Uint8Array => {
      let inflated: Buffer;
      try {
        inflated = inflateRawSync(buffer.subarray(position), { maxOutputLength: maxInflated });
      } catch (e) {
        throw pacsError('PACS_ERR_PARSE', `deflated data set does not inflate: ${describeThrown(e)}`, {
          file,
          field: 'deflate stream',
        });
      }
      const full = new Uint8Array(position + inflated.length);
      full.set(buffer.subarray(0, position), 0);
      full.set(inflated, position);
      return full;
    },
  } as dicomParser.ParseDicomOptions;
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, parseOptions);
  } catch (e) {
    if (e instanceof Error && 'code' in e) throw e;
    const text = describeThrown(e);
    const partial = e !== null && typeof e === 'object' && 'dataSet' in e;
    if (/0002,0010/.test(text)) {
      throw pacsError(
        'PACS_ERR_MISSING_ATTRIBUTE',
        'TransferSyntaxUID (0002,0010) missing from the file meta information: expected a UID',
        { file, tag: '00020010' },
        e,
      );
    }
    const last = partial ? lastElement((e as { dataSet: DataSet }).dataSet) : undefined;
    const tagText = last ? `(${last.tag.slice(1, 5).toUpperCase()},${last.tag.slice(5).toUpperCase()})` : '';
    const message = !last
      ? `data set is malformed in its first elements: expected well-formed elements, got "${text}"`
      : last.end > bytes.length
        ? `file is truncated: element ${tagText} declares a value ending at byte ${last.end}, the file has ${bytes.length} bytes`
        : `data set is malformed after element ${tagText} ending at byte ${last.end}: expected a well-formed next element, got "${text}"`;
    throw pacsError(
      'PACS_ERR_PARSE',
      message,
      last
        ? {
            file,
            tag: last.tag.slice(1).toUpperCase(),
            field: last.end > bytes.length ? 'value length' : 'next element',
          }
        : { file, field: 'data set encoding' },
      e,
    );
  }
  const ts = dataSet.string('x00020010')?.trim() ?? inferred ?? '';
  return { dataSet, transferSyntaxUid: ts, inferredTransferSyntax: inferred !== undefined };
}

/** The element parsed last before a failure: where to look in a hex dump. */
function lastElement(ds: DataSet | undefined): { tag: string; end: number } | undefined {
  if (!ds) return undefined;
  let best: { tag: string; end: number } | undefined;
  for (const [tag, el] of Object.entries(ds.elements)) {
    const end = el.dataOffset + (el.length > 0 && el.length < 0xffffffff ? el.length : 0);
    if (!best || end > best.end) best = { tag, end };
  }
  return best;
}

/**
 * A bare data set starts with a group-0008 (or 0002) element. Explicit VR shows two upper-case letters at
 * bytes 4-5; the group number's byte order tells little from big endian.
 */
function sniffBareTransferSyntax(bytes: Uint8Array): string | undefined {
  if (bytes.length < 8) return undefined;
  const groupLE = bytes[0] | (bytes[1] << 8);
  const groupBE = (bytes[0] << 8) | bytes[1];
  const isVr = isUpper(bytes[4]) && isUpper(bytes[5]);
  if (groupLE === 0x0008 || groupLE === 0x0002) return isVr ? EXPLICIT_LE : IMPLICIT_LE;
  if (groupBE === 0x0008 || groupBE === 0x0002) return isVr ? EXPLICIT_BE : undefined;
  return undefined;
}

function isUpper(b: number): boolean {
  return b >= 0x41 && b <= 0x5a;
}
