import { pacsError } from '../errors.js';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../write/dcmjsCodec.js';

/**
 * Part 10 framing without re-encoding (PS3.10 7.1): DIMSE carries bare data sets, files carry a 128-byte preamble,
 * "DICM" and a File Meta group (0002,xxxx) in Explicit VR Little Endian. Instances cross the wire byte-for-byte:
 * a C-STORE sends the file's data set as it is, and a received data set is framed with a new meta group.
 */
export interface Part10Meta {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /** Offset of the data set (first byte after the meta group). */
  readonly datasetOffset: number;
}

const PREAMBLE = 128;
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

/**
 * Reads the File Meta group of a Part 10 file.
 * @param bytes - a whole Part 10 instance
 * @param where - names the instance in errors (e.g. "storeInstances #3")
 * @throws PACS_ERR_NOT_DICOM when "DICM" is absent or the meta group is truncated
 * @throws PACS_ERR_MISSING_ATTRIBUTE when (0002,0002), (0002,0003) or (0002,0010) is absent or empty
 */
export function readPart10Meta(bytes: Uint8Array, where: string): Part10Meta {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.length >= PREAMBLE + 4 ? String.fromCharCode(...bytes.subarray(PREAMBLE, PREAMBLE + 4)) : '';
  if (magic !== 'DICM') {
    throw pacsError(
      'PACS_ERR_NOT_DICOM',
      `no "DICM" at offset 128: expected a Part 10 file, got ${bytes.length} bytes`,
      {
        file: where,
      },
    );
  }
  const values = new Map<number, string>();
  let pos = PREAMBLE + 4;
  while (pos + 8 <= bytes.length && dv.getUint16(pos, true) === 0x0002) {
    const element = dv.getUint16(pos + 2, true);
    const vr = String.fromCharCode(bytes[pos + 4], bytes[pos + 5]);
    let length: number;
    let header: number;
    if (LONG_VRS.has(vr)) {
      if (pos + 12 > bytes.length) break;
      length = dv.getUint32(pos + 8, true);
      header = 12;
    } else {
      length = dv.getUint16(pos + 6, true);
      header = 8;
    }
    if (pos + header + length > bytes.length) {
      throw pacsError(
        'PACS_ERR_NOT_DICOM',
        `File Meta element (0002,${element.toString(16).padStart(4, '0')}) runs past the end: expected ${length} bytes, got ${bytes.length - pos - header}`,
        { file: where, tag: `0002${element.toString(16).padStart(4, '0').toUpperCase()}` },
      );
    }
    if (vr === 'UI') values.set(element, text(bytes.subarray(pos + header, pos + header + length)));
    pos += header + length;
  }
  const need = (element: number, name: string): string => {
    const v = values.get(element);
    if (!v) {
      const tag = `0002${element.toString(16).padStart(4, '0').toUpperCase()}`;
      throw pacsError('PACS_ERR_MISSING_ATTRIBUTE', `${name} (0002,${tag.slice(4)}) missing: expected a UID`, {
        file: where,
        tag,
      });
    }
    return v;
  };
  return {
    sopClassUid: need(0x0002, 'MediaStorageSOPClassUID'),
    sopInstanceUid: need(0x0003, 'MediaStorageSOPInstanceUID'),
    transferSyntaxUid: need(0x0010, 'TransferSyntaxUID'),
    datasetOffset: pos,
  };
}

export interface FrameOptions {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /** (0002,0016) Source Application Entity Title: the AE that sent the data set. */
  readonly sourceAet?: string;
}

/**
 * Frames a received data set as a Part 10 file; the data set bytes are copied unchanged.
 * @param dataset - the data set as received, encoded in `transferSyntaxUid`
 */
export function wrapPart10(dataset: Uint8Array, o: FrameOptions): Uint8Array {
  const elements = [
    element(0x0001, 'OB', Uint8Array.of(0, 1)),
    element(0x0002, 'UI', uid(o.sopClassUid)),
    element(0x0003, 'UI', uid(o.sopInstanceUid)),
    element(0x0010, 'UI', uid(o.transferSyntaxUid)),
    element(0x0012, 'UI', uid(IMPLEMENTATION_CLASS_UID)),
    element(0x0013, 'SH', padded(IMPLEMENTATION_VERSION_NAME, 0x20)),
    ...(o.sourceAet ? [element(0x0016, 'AE', padded(o.sourceAet.trim(), 0x20))] : []),
  ];
  const groupLength = elements.reduce((a, e) => a + e.length, 0);
  const lengthElement = element(0x0000, 'UL', u32(groupLength));
  const out = new Uint8Array(PREAMBLE + 4 + lengthElement.length + groupLength + dataset.length);
  out.set([0x44, 0x49, 0x43, 0x4d], PREAMBLE);
  let pos = PREAMBLE + 4;
  for (const e of [lengthElement, ...elements]) {
    out.set(e, pos);
    pos += e.length;
  }
  out.set(dataset, pos);
  return out;
}

function element(el: number, vr: string, value: Uint8Array): Uint8Array {
  const long = LONG_VRS.has(vr);
  const header = long ? 12 : 8;
  const out = new Uint8Array(header + value.length);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, 0x0002, true);
  dv.setUint16(2, el, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) dv.setUint32(8, value.length, true);
  else dv.setUint16(6, value.length, true);
  out.set(value, header);
  return out;
}

/** UI values are padded to even length with NUL (PS3.5 6.2). */
function uid(value: string): Uint8Array {
  return padded(value, 0x00);
}

function padded(value: string, pad: number): Uint8Array {
  const bytes = Buffer.from(value, 'latin1');
  const out = new Uint8Array(bytes.length + (bytes.length % 2));
  out.set(bytes);
  if (bytes.length % 2) out[bytes.length] = pad;
  return out;
}

function u32(v: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, v, true);
  return out;
}

function text(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength)
    .toString('latin1')
    .replace(/[\0 ]+$/, '');
}
