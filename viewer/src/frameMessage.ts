import type { FrameHeader } from '../../common/frameWire.js';
import { ViewerError } from './errors.js';

export type { FrameHeader };

/** A decoded frame: HU as Float32 (CT), or interleaved RGB bytes. */
export interface StreamedFrame {
  readonly header: FrameHeader;
  readonly pixels: Float32Array | Uint8Array;
}

/**
 * Splits `[uint32 LE n][n bytes JSON header, space-padded][payload]`. The server pads the header so the payload
 * starts at a multiple of 4: the Float32 view is taken without copying (browsers are little-endian).
 * @throws VIEWER_ERR_FRAME_MESSAGE when the lengths do not add up or the header is not a frame header
 */
export function decodeFrameMessage(message: ArrayBuffer): StreamedFrame {
  const bad = (expected: string, got: unknown): never => {
    throw new ViewerError('VIEWER_ERR_FRAME_MESSAGE', `decodeFrameMessage: expected ${expected}, got ${String(got)}`, {
      bytes: message.byteLength,
    });
  };
  if (message.byteLength < 4) bad('at least 4 bytes', message.byteLength);
  const n = new DataView(message).getUint32(0, true);
  if (4 + n > message.byteLength) bad(`a header length up to ${message.byteLength - 4}`, n);
  let header: FrameHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(new Uint8Array(message, 4, n))) as FrameHeader;
  } catch (e) {
    throw new ViewerError('VIEWER_ERR_FRAME_MESSAGE', 'decodeFrameMessage: expected a JSON header', {}, { cause: e });
  }
  if (header.type !== 'frame') bad('a header of type "frame"', header.type);
  const count = header.rows * header.columns * header.samplesPerPixel;
  const offset = 4 + n;
  if (header.dtype === 'float32') {
    if (offset % 4 !== 0) bad('a payload aligned to 4 bytes', offset);
    if (message.byteLength - offset !== count * 4) bad(`${count * 4} payload bytes`, message.byteLength - offset);
    return { header, pixels: new Float32Array(message, offset, count) };
  }
  if (header.dtype === 'uint8') {
    if (message.byteLength - offset !== count) bad(`${count} payload bytes`, message.byteLength - offset);
    return { header, pixels: new Uint8Array(message, offset, count) };
  }
  return bad('dtype float32 | uint8', header.dtype);
}
