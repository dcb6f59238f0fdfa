import { kindOf, WireError } from './WireError.js';

/**
 * The JSON header of a binary job-frame message on the websocket (server/ws/README.md):
 * `[uint32 LE header length][JSON FrameHeader, space-padded][payload]`.
 */
export interface FrameHeader {
  readonly type: 'frame';
  readonly index: number;
  readonly rows: number;
  readonly columns: number;
  /** float32: HU (CT and other greyscale); uint8: interleaved RGB. */
  readonly dtype: 'float32' | 'uint8';
  readonly samplesPerPixel: number;
  /** Frames available once this one is (index + 1: frames come in index order). */
  readonly done: number;
  readonly total: number;
  readonly windowCenter?: number;
  readonly windowWidth?: number;
  /** The source slice this frame restores. */
  readonly sopInstanceUid: string;
  /** Frame of that instance (0 for single-frame instances). */
  readonly frameIndex: number;
}

/** A decoded frame: HU as Float32 (CT), or interleaved RGB bytes. */
export interface StreamedFrame {
  readonly header: FrameHeader;
  readonly pixels: Float32Array | Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Builds a binary frame message: `[uint32 LE n][n bytes: JSON header][payload]`. The JSON is padded with spaces so the
 * payload starts at a multiple of 4 bytes (a browser views it as a Float32Array without copying).
 * @param payload - rows·columns little-endian Float32 (dtype float32) or rows·columns·3 RGB bytes (dtype uint8)
 * @example
 * ws.send(encodeFrameMessage(header, payload));
 */
export function encodeFrameMessage(header: FrameHeader, payload: Uint8Array): Uint8Array<ArrayBuffer> {
  const json = encoder.encode(JSON.stringify(header));
  const padded = json.byteLength + ((4 - ((4 + json.byteLength) % 4)) % 4);
  const out = new Uint8Array(4 + padded + payload.byteLength);
  new DataView(out.buffer).setUint32(0, padded, true);
  out.set(json, 4);
  out.fill(0x20, 4 + json.byteLength, 4 + padded);
  out.set(payload, 4 + padded);
  return out;
}

/**
 * Splits a binary frame message and checks it: the lengths add up, the header is a frame header, the payload holds
 * rows·columns·samplesPerPixel values of its dtype. The Float32 pixels are a view of the message (no copy) when it
 * lies at a 4-byte boundary in memory (always for an ArrayBuffer, the browser's case); a Node Buffer slice that does
 * not is copied once.
 * @param message - the whole binary message (an ArrayBuffer, or a view such as a Node Buffer)
 * @throws WIRE_ERR_FRAME_MESSAGE when the lengths do not add up or the header is not a frame header
 * @example
 * ws.onmessage = (ev) => show(decodeFrameMessage(ev.data as ArrayBuffer));
 */
export function decodeFrameMessage(message: ArrayBuffer | ArrayBufferView): StreamedFrame {
  const bytes = ArrayBuffer.isView(message)
    ? new Uint8Array(message.buffer, message.byteOffset, message.byteLength)
    : new Uint8Array(message);
  const bad = (expected: string, got: unknown): never => {
    throw new WireError('WIRE_ERR_FRAME_MESSAGE', `decodeFrameMessage: expected ${expected}, got ${String(got)}`, {
      bytes: bytes.byteLength,
    });
  };
  if (bytes.byteLength < 4) bad('at least 4 bytes', bytes.byteLength);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + n > bytes.byteLength) bad(`a header length up to ${bytes.byteLength - 4}`, n);
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(bytes.subarray(4, 4 + n)));
  } catch (e) {
    throw new WireError('WIRE_ERR_FRAME_MESSAGE', 'decodeFrameMessage: expected a JSON header', {}, e);
  }
  const header = asFrameHeader(parsed, bad);
  const count = header.rows * header.columns * header.samplesPerPixel;
  const offset = 4 + n;
  if (header.dtype === 'float32') {
    if (offset % 4 !== 0) bad('a payload aligned to 4 bytes', offset);
    if (bytes.byteLength - offset !== count * 4) bad(`${count * 4} payload bytes`, bytes.byteLength - offset);
    const start = bytes.byteOffset + offset;
    const pixels =
      start % 4 === 0 ? new Float32Array(bytes.buffer, start, count) : new Float32Array(bytes.slice(offset).buffer);
    return { header, pixels };
  }
  if (bytes.byteLength - offset !== count) bad(`${count} payload bytes`, bytes.byteLength - offset);
  return { header, pixels: bytes.subarray(offset) };
}

const COUNTS = ['index', 'rows', 'columns', 'samplesPerPixel', 'done', 'total', 'frameIndex'] as const;

/** The parsed header as a FrameHeader, or `bad` with the first field that is not what a frame header holds. */
function asFrameHeader(v: unknown, bad: (expected: string, got: unknown) => never): FrameHeader {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return bad('a JSON object header', kindOf(v));
  const h = v as Record<string, unknown>;
  if (h.type !== 'frame') bad('a header of type "frame"', h.type);
  if (h.dtype !== 'float32' && h.dtype !== 'uint8') bad('dtype float32 | uint8', h.dtype);
  for (const field of COUNTS) {
    const x = h[field];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) bad(`${field} an integer >= 0`, x);
  }
  if (typeof h.sopInstanceUid !== 'string') bad('sopInstanceUid a string', kindOf(h.sopInstanceUid));
  for (const field of ['windowCenter', 'windowWidth'] as const) {
    if (h[field] !== undefined && typeof h[field] !== 'number') bad(`${field} a number or absent`, h[field]);
  }
  return v as FrameHeader;
}
