import type { FrameHeader } from '../jobs/index.js';

/**
 * A binary frame message: `[uint32 LE header length][JSON header][payload]`. The JSON is padded with spaces so the
 * payload starts at a multiple of 4 bytes (a browser can view it as a Float32Array without copying).
 */
export function encodeFrameMessage(header: FrameHeader, payload: Uint8Array): Buffer {
  const json = JSON.stringify(header);
  const jsonBytes = Buffer.byteLength(json, 'utf8');
  const padded = jsonBytes + ((4 - ((4 + jsonBytes) % 4)) % 4);
  const out = Buffer.allocUnsafe(4 + padded + payload.byteLength);
  out.writeUInt32LE(padded, 0);
  out.write(json, 4, 'utf8');
  out.fill(0x20, 4 + jsonBytes, 4 + padded);
  out.set(payload, 4 + padded);
  return out;
}

/**
 * Splits a binary frame message (what a client does).
 * @throws RangeError when the header length points past the message
 */
export function decodeFrameMessage(message: Uint8Array): { header: FrameHeader; payload: Uint8Array } {
  const view = new DataView(message.buffer, message.byteOffset, message.byteLength);
  const n = view.getUint32(0, true);
  if (4 + n > message.byteLength) {
    throw new RangeError(`decodeFrameMessage: header length ${n}: expected at most ${message.byteLength - 4}`);
  }
  const header = JSON.parse(Buffer.from(message.buffer, message.byteOffset + 4, n).toString('utf8')) as FrameHeader;
  return { header, payload: message.subarray(4 + n) };
}
