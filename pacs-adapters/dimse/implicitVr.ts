import { pacsError } from '../errors.js';

/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;

/**
 * Re-encodes an Explicit VR Little Endian data set as Implicit VR Little Endian, byte-wise and without a data
 * dictionary: each element keeps its tag and value bytes and loses its VR; sequences and their items are written
 * with undefined length (so no length is recomputed); group length elements (gggg,0000), retired outside the
 * command and meta groups, are dropped because their values would be wrong. A UN element of undefined length
 * already holds implicit-VR items and is copied as it is. Values are never decoded, so private attributes pass
 * unchanged. This is the only transcoding C-STORE does: it lets a peer that accepts only the default transfer
 * syntax receive our Explicit VR files.
 * @param dataset - the data set (without File Meta), Explicit VR Little Endian
 * @param where - names the instance in errors
 * @throws PACS_ERR_PARSE when an element runs past the end or a sequence is not terminated
 */
export function explicitToImplicit(dataset: Uint8Array, where: string): Uint8Array {
  const out = new Writer(dataset.length);
  const end = convertElements(dataset, 0, dataset.length, false, out, where);
  if (end !== dataset.length) throw parseError(where, end, 'trailing bytes after the data set');
  return out.bytes();
}

/**
 * Converts elements from `pos` until `limit`, or (when `inItem`) until an item delimiter.
 * @returns the position after the last byte consumed (after the delimiter when `inItem` met one)
 */
function convertElements(
  src: Uint8Array,
  start: number,
  limit: number,
  inItem: boolean,
  out: Writer,
  where: string,
): number {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  let pos = start;
  while (pos < limit) {
    if (pos + 8 > limit) throw parseError(where, pos, 'truncated element header');
    const group = dv.getUint16(pos, true);
    const element = dv.getUint16(pos + 2, true);
    const tag = ((group << 16) | element) >>> 0;
    if (tag === ITEM_END) {
      if (!inItem) throw parseError(where, pos, 'item delimiter outside an item');
      return pos + 8;
    }
    const vr = String.fromCharCode(src[pos + 4], src[pos + 5]);
    let length: number;
    let header: number;
    if (LONG_VRS.has(vr)) {
      if (pos + 12 > limit) throw parseError(where, pos, 'truncated element header');
      length = dv.getUint32(pos + 8, true);
      header = 12;
    } else if (/^[A-Z]{2}$/.test(vr)) {
      length = dv.getUint16(pos + 6, true);
      header = 8;
    } else {
      throw parseError(where, pos, `(${hex4(group)},${hex4(element)}) has no VR: expected Explicit VR`);
    }
    const valueStart = pos + header;
    if (vr === 'SQ') {
      out.tag(tag, UNDEFINED);
      pos = convertSequence(src, valueStart, length, limit, out, where);
      out.tag(SEQUENCE_END, 0);
      continue;
    }
    if (length === UNDEFINED) {
      if (vr !== 'UN' && vr !== 'OB' && vr !== 'OW') {
        throw parseError(where, pos, `(${hex4(group)},${hex4(element)}) ${vr} has undefined length`);
      }
      // UN (or encapsulated OB) of undefined length: items in implicit VR already; copy up to the delimiter.
      const stop = skipImplicitSequence(dv, valueStart, limit, where);
      out.tag(tag, UNDEFINED);
      out.copy(src, valueStart, stop);
      pos = stop;
      continue;
    }
    if (valueStart + length > limit)
      throw parseError(where, pos, `(${hex4(group)},${hex4(element)}) runs past the end`);
    if (element !== 0x0000) {
      out.tag(tag, length);
      out.copy(src, valueStart, valueStart + length);
    }
    pos = valueStart + length;
  }
  if (inItem) throw parseError(where, pos, 'item without its delimiter');
  return pos;
}

/** Items of an explicit-VR sequence, written as undefined-length items. @returns the position after it */
function convertSequence(
  src: Uint8Array,
  start: number,
  length: number,
  limit: number,
  out: Writer,
  where: string,
): number {
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  const seqLimit = length === UNDEFINED ? limit : start + length;
  if (seqLimit > limit) throw parseError(where, start, 'sequence runs past the end');
  let pos = start;
  while (pos < seqLimit) {
    if (pos + 8 > seqLimit) throw parseError(where, pos, 'truncated item header');
    const tag = ((dv.getUint16(pos, true) << 16) | dv.getUint16(pos + 2, true)) >>> 0;
    const itemLength = dv.getUint32(pos + 4, true);
    if (tag === SEQUENCE_END) {
      if (length !== UNDEFINED) throw parseError(where, pos, 'sequence delimiter in a defined-length sequence');
      return pos + 8;
    }
    if (tag !== ITEM) throw parseError(where, pos, `expected an item (FFFE,E000), got ${hex8(tag)}`);
    out.tag(ITEM, UNDEFINED);
    if (itemLength === UNDEFINED) {
      pos = convertElements(src, pos + 8, seqLimit, true, out, where);
    } else {
      const itemEnd = pos + 8 + itemLength;
      if (itemEnd > seqLimit) throw parseError(where, pos, 'item runs past its sequence');
      convertElements(src, pos + 8, itemEnd, false, out, where);
      pos = itemEnd;
    }
    out.tag(ITEM_END, 0);
  }
  if (length === UNDEFINED) throw parseError(where, pos, 'sequence without its delimiter');
  return pos;
}

/** Skips the items of an implicit-VR undefined-length value. @returns the position after its delimiter */
function skipImplicitSequence(dv: DataView, start: number, limit: number, where: string): number {
  let pos = start;
  while (pos + 8 <= limit) {
    const tag = ((dv.getUint16(pos, true) << 16) | dv.getUint16(pos + 2, true)) >>> 0;
    const length = dv.getUint32(pos + 4, true);
    if (tag === SEQUENCE_END) return pos + 8;
    if (tag !== ITEM) throw parseError(where, pos, `expected an item (FFFE,E000), got ${hex8(tag)}`);
    pos = length === UNDEFINED ? skipImplicitElements(dv, pos + 8, limit, where) : pos + 8 + length;
  }
  throw parseError(where, pos, 'undefined-length value without its delimiter');
}

/** Skips implicit-VR elements up to and including an item delimiter. */
function skipImplicitElements(dv: DataView, start: number, limit: number, where: string): number {
  let pos = start;
  while (pos + 8 <= limit) {
    const tag = ((dv.getUint16(pos, true) << 16) | dv.getUint16(pos + 2, true)) >>> 0;
    const length = dv.getUint32(pos + 4, true);
    if (tag === ITEM_END) return pos + 8;
    pos = length === UNDEFINED ? skipImplicitSequence(dv, pos + 8, limit, where) : pos + 8 + length;
  }
  throw parseError(where, pos, 'item without its delimiter');
}

class Writer {
  #buf: Uint8Array;
  #dv: DataView;
  #pos = 0;

  constructor(capacity: number) {
    this.#buf = new Uint8Array(Math.max(64, capacity + 1024));
    this.#dv = new DataView(this.#buf.buffer);
  }

  tag(tag: number, length: number): void {
    this.#reserve(8);
    this.#dv.setUint16(this.#pos, tag >>> 16, true);
    this.#dv.setUint16(this.#pos + 2, tag & 0xffff, true);
    this.#dv.setUint32(this.#pos + 4, length, true);
    this.#pos += 8;
  }

  copy(src: Uint8Array, from: number, to: number): void {
    this.#reserve(to - from);
    this.#buf.set(src.subarray(from, to), this.#pos);
    this.#pos += to - from;
  }

  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    bigger.set(this.#buf.subarray(0, this.#pos));
    this.#buf = bigger;
    this.#dv = new DataView(bigger.buffer);
  }
}

function parseError(where: string, offset: number, what: string) {
  return pacsError('PACS_ERR_PARSE', `Explicit to Implicit VR at byte ${offset}: ${what}`, { file: where, offset });
}

function hex4(v: number): string {
  return v.toString(16).toUpperCase().padStart(4, '0');
}

function hex8(v: number): string {
  return `(${hex4(v >>> 16)},${hex4(v & 0xffff)})`;
}
