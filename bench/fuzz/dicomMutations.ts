import { parseDataSet } from '../../pacs-adapters/index.js';

/**
 * The documented DICOM mutator of the fuzzer: a case is a list of operations applied in order to one seed file.
 * Operations address bytes by a fraction of the file length and elements by an index into the seed's top-level
 * element table, so a case stays meaningful (and reproducible from its JSON) whatever file it lands on.
 */
export type Mutation =
  | { readonly op: 'flip'; readonly at: number; readonly bit: number }
  | { readonly op: 'setByte'; readonly at: number; readonly value: number }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'splice'; readonly from: number; readonly to: number; readonly length: number }
  | { readonly op: 'length'; readonly element: number; readonly mode: LengthMode; readonly delta: number }
  | { readonly op: 'vr'; readonly element: number; readonly vr: string }
  | { readonly op: 'deepSequence'; readonly element: number; readonly depth: number; readonly undefinedLength: boolean }
  | { readonly op: 'transferSyntax'; readonly uid: string }
  | { readonly op: 'value'; readonly tag: string; readonly value: string };

export type LengthMode = 'zero' | 'odd' | 'plus' | 'minus' | 'huge' | 'undefined';

export interface FuzzCase {
  readonly file: number;
  readonly mutations: readonly Mutation[];
}

/** Where an element's header, length field and value lie in the seed bytes. */
interface ElementSpan {
  readonly tag: string;
  readonly header: number;
  readonly lengthAt: number;
  readonly lengthBytes: 2 | 4;
  readonly vrAt: number | undefined;
  readonly dataOffset: number;
  readonly length: number;
  readonly bigEndian: boolean;
}

export interface Seed {
  readonly bytes: Uint8Array;
  readonly elements: readonly ElementSpan[];
  readonly explicit: boolean;
  readonly bigEndian: boolean;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const BIG_ENDIAN = '1.2.840.10008.1.2.2';

/** Builds the element table of a seed file with the module's own reader (files it rejects get byte-level cases only). */
export function loadSeed(bytes: Uint8Array): Seed {
  let elements: ElementSpan[] = [];
  let explicit = true;
  let bigEndian = false;
  try {
    const parsed = parseDataSet(bytes, 'seed');
    const ds = parsed.dataSet;
    bigEndian = parsed.transferSyntaxUid === BIG_ENDIAN;
    // A deflated data set is parsed from an inflated copy: only the meta group's offsets refer to these bytes.
    const sameBytes = ds.byteArray === bytes || ds.byteArray.buffer === bytes.buffer;
    const list = Object.entries(ds.elements)
      .map(([tag, el]) => ({ tag, el }))
      .filter(({ tag }) => sameBytes || tag.startsWith('x0002'))
      .sort((a, b) => a.el.dataOffset - b.el.dataOffset);
    const bodyExplicit = list.some(({ tag, el }) => !tag.startsWith('x0002') && el.vr !== undefined);
    explicit = bodyExplicit;
    elements = list.flatMap(({ tag, el }): ElementSpan[] => {
      const meta = tag.startsWith('x0002');
      const isExplicit = meta || el.vr !== undefined;
      const be = !meta && bigEndian;
      if (el.dataOffset < 8) return [];
      if (!isExplicit) {
        return [
          {
            tag,
            header: el.dataOffset - 8,
            lengthAt: el.dataOffset - 4,
            lengthBytes: 4,
            vrAt: undefined,
            dataOffset: el.dataOffset,
            length: el.length,
            bigEndian: be,
          },
        ];
      }
      const long = LONG_VRS.has(el.vr ?? '');
      const header = el.dataOffset - (long ? 12 : 8);
      if (header < 0) return [];
      return [
        {
          tag,
          header,
          lengthAt: long ? el.dataOffset - 4 : el.dataOffset - 2,
          lengthBytes: long ? 4 : 2,
          vrAt: header + 4,
          dataOffset: el.dataOffset,
          length: el.length,
          bigEndian: be,
        },
      ];
    });
  } catch {
    // Seeds the reader refuses (edge-case corpus) are still fuzzed, byte by byte.
  }
  return { bytes, elements, explicit, bigEndian };
}

/** Applies the mutations in order; element offsets refer to the seed and are skipped once the bytes moved. */
export function applyMutations(seed: Seed, mutations: readonly Mutation[]): Uint8Array {
  let out: Uint8Array = seed.bytes.slice();
  let shifted = false;
  const element = (i: number): ElementSpan | undefined =>
    shifted || seed.elements.length === 0 ? undefined : seed.elements[i % seed.elements.length];
  const at = (f: number): number => Math.min(out.length - 1, Math.max(0, Math.floor(f * out.length)));
  for (const m of mutations) {
    if (out.length === 0) break;
    switch (m.op) {
      case 'flip':
        out[at(m.at)] ^= 1 << (m.bit & 7);
        break;
      case 'setByte':
        out[at(m.at)] = m.value & 0xff;
        break;
      case 'truncate':
        out = out.slice(0, at(m.at));
        shifted = true;
        break;
      case 'splice': {
        const from = at(m.from);
        const chunk = out.slice(from, Math.min(out.length, from + m.length));
        const to = at(m.to);
        out = concat(out.subarray(0, to), chunk, out.subarray(to));
        shifted = true;
        break;
      }
      case 'length': {
        const el = element(m.element);
        if (!el) break;
        const max = el.lengthBytes === 2 ? 0xffff : 0xffffffff;
        const value =
          m.mode === 'zero'
            ? 0
            : m.mode === 'odd'
              ? el.length | 1
              : m.mode === 'plus'
                ? Math.min(max, el.length + m.delta)
                : m.mode === 'minus'
                  ? Math.max(0, el.length - m.delta)
                  : m.mode === 'huge'
                    ? max - 1 - (m.delta % 16)
                    : max;
        writeUint(out, el.lengthAt, el.lengthBytes, value, el.bigEndian);
        break;
      }
      case 'vr': {
        const el = element(m.element);
        if (!el || el.vrAt === undefined) break;
        out[el.vrAt] = m.vr.charCodeAt(0) & 0xff;
        out[el.vrAt + 1] = m.vr.charCodeAt(1) & 0xff;
        break;
      }
      case 'deepSequence': {
        const el = element(m.element);
        if (!el || el.tag.startsWith('x0002')) break;
        const seq = nestedSequence(m.depth, seed.explicit, el.bigEndian, m.undefinedLength);
        out = concat(out.subarray(0, el.header), seq, out.subarray(el.header));
        shifted = true;
        break;
      }
      case 'transferSyntax': {
        const ts = shifted ? undefined : seed.elements.find((e) => e.tag === 'x00020010');
        if (!ts) break;
        out = replaceValue(out, ts, padEven(m.uid, 0));
        shifted = true;
        break;
      }
      case 'value': {
        const el = shifted ? undefined : seed.elements.find((e) => e.tag === m.tag);
        if (!el || el.length === 0xffffffff) break;
        out = replaceValue(out, el, valueBytes(m.value, el));
        shifted = true;
        break;
      }
    }
  }
  return out;
}

/** Numeric VRs (US/UL/SS) get the number in binary; text VRs the string, padded to even length. */
function valueBytes(value: string, el: ElementSpan): Uint8Array {
  const n = Number(value);
  if (el.length === 2 && Number.isFinite(n) && /^-?\d+$/.test(value)) {
    const b = new Uint8Array(2);
    writeUint(b, 0, 2, n & 0xffff, el.bigEndian);
    return b;
  }
  return padEven(value, 0x20);
}

function replaceValue(bytes: Uint8Array, el: ElementSpan, value: Uint8Array): Uint8Array {
  const end = Math.min(bytes.length, el.dataOffset + el.length);
  const out = concat(bytes.subarray(0, el.dataOffset), value, bytes.subarray(end));
  const max = el.lengthBytes === 2 ? 0xffff : 0xffffffff;
  writeUint(out, el.lengthAt, el.lengthBytes, Math.min(max, value.length), el.bigEndian);
  return out;
}

/**
 * `depth` sequences nested in items, (0040,A730) ContentSequence at every level: undefined lengths closed by
 * delimiters, or defined lengths computed inside out.
 */
function nestedSequence(depth: number, explicit: boolean, bigEndian: boolean, undefinedLength: boolean): Uint8Array {
  const tag = (group: number, element: number): number[] =>
    bigEndian && group !== 0xfffe
      ? [group >> 8, group & 0xff, element >> 8, element & 0xff]
      : [group & 0xff, group >> 8, element & 0xff, element >> 8];
  const u32 = (v: number): number[] =>
    bigEndian
      ? [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]
      : [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  const seqHeader = (len: number): number[] => [
    ...tag(0x0040, 0xa730),
    ...(explicit ? [0x53, 0x51, 0, 0] : []),
    ...u32(len),
  ];
  if (undefinedLength) {
    const open = [...seqHeader(0xffffffff), ...tag(0xfffe, 0xe000), ...u32(0xffffffff)];
    const close = [...tag(0xfffe, 0xe00d), ...u32(0), ...tag(0xfffe, 0xe0dd), ...u32(0)];
    const out = new Uint8Array(depth * (open.length + close.length));
    for (let i = 0; i < depth; i++) out.set(open, i * open.length);
    for (let i = 0; i < depth; i++) out.set(close, depth * open.length + i * close.length);
    return out;
  }
  let inner: number[] = [];
  for (let i = 0; i < Math.min(depth, 512); i++) {
    const item = [...tag(0xfffe, 0xe000), ...u32(inner.length), ...inner];
    inner = [...seqHeader(item.length), ...item];
  }
  return Uint8Array.from(inner);
}

function writeUint(b: Uint8Array, at: number, size: 2 | 4, value: number, bigEndian: boolean): void {
  if (at < 0 || at + size > b.length) return;
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (size === 2) view.setUint16(at, value, !bigEndian);
  else view.setUint32(at, value >>> 0, !bigEndian);
}

function padEven(text: string, pad: number): Uint8Array {
  const raw = Buffer.from(text, 'latin1');
  const out = new Uint8Array(raw.length + (raw.length % 2));
  out.set(raw);
  if (raw.length % 2) out[raw.length] = pad;
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
