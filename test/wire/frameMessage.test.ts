import { decodeFrameMessage, encodeFrameMessage, WireError, type FrameHeader } from '../../wire/index.js';

const header = (over: Partial<FrameHeader> = {}): FrameHeader => ({
  type: 'frame',
  index: 2,
  rows: 3,
  columns: 4,
  dtype: 'float32',
  samplesPerPixel: 1,
  done: 3,
  total: 10,
  windowCenter: 40,
  windowWidth: 400,
  sopInstanceUid: '1.2.3.4',
  frameIndex: 0,
  ...over,
});

const floats = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i - 1000.5);
const bytesOf = (a: Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** A message whose header JSON is replaced by `json` (padded like the encoder does), with `payloadBytes` after it. */
function raw(json: string, payloadBytes: number): ArrayBuffer {
  const text = new TextEncoder().encode(json);
  const padded = text.byteLength + ((4 - ((4 + text.byteLength) % 4)) % 4);
  const out = new Uint8Array(4 + padded + payloadBytes).fill(0x20, 4, 4 + padded);
  new DataView(out.buffer).setUint32(0, padded, true);
  out.set(text, 4);
  return out.buffer;
}

function refusal(message: ArrayBuffer): string {
  try {
    decodeFrameMessage(message);
  } catch (e) {
    expect(e).toBeInstanceOf(WireError);
    expect((e as WireError).code).toBe('WIRE_ERR_FRAME_MESSAGE');
    return (e as WireError).message;
  }
  throw new Error('decodeFrameMessage: expected a refusal');
}

describe('frame messages', () => {
  it('round-trips a float32 frame; the header is space-padded so the payload starts at a multiple of 4', () => {
    const pixels = floats(12);
    const message = encodeFrameMessage(header(), bytesOf(pixels));
    const n = new DataView(message.buffer).getUint32(0, true);
    expect((4 + n) % 4).toBe(0);
    expect(message.byteLength).toBe(4 + n + 48);
    expect(JSON.parse(new TextDecoder().decode(message.subarray(4, 4 + n)))).toEqual(header());
    const decoded = decodeFrameMessage(message.buffer);
    expect(decoded.header).toEqual(header());
    expect(decoded.pixels).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded.pixels)).toEqual(Array.from(pixels));
    expect(decoded.pixels.buffer).toBe(message.buffer); // a view, not a copy
  });

  it('round-trips an RGB frame', () => {
    const rgb = Uint8Array.from({ length: 36 }, (_, i) => i * 7);
    const h = header({ dtype: 'uint8', samplesPerPixel: 3, windowCenter: undefined, windowWidth: undefined });
    const decoded = decodeFrameMessage(encodeFrameMessage(h, rgb).buffer);
    expect(decoded.header).toEqual(JSON.parse(JSON.stringify(h)));
    expect(decoded.pixels).toBeInstanceOf(Uint8Array);
    expect(Array.from(decoded.pixels)).toEqual(Array.from(rgb));
  });

  it('decodes a Node Buffer at any byte offset (copying float32 pixels only when they are not 4-byte aligned)', () => {
    const pixels = floats(12);
    const message = encodeFrameMessage(header(), bytesOf(pixels));
    for (const shift of [0, 1, 2, 3]) {
      const host = Buffer.alloc(message.byteLength + 8);
      host.set(message, shift);
      const view = host.subarray(shift, shift + message.byteLength);
      const decoded = decodeFrameMessage(view);
      expect(decoded.header.index).toBe(2);
      expect(Array.from(decoded.pixels)).toEqual(Array.from(pixels));
    }
  });

  it('refuses messages whose lengths do not add up or whose header is not a frame header, saying what is wrong', () => {
    const good = JSON.stringify(header());
    expect(refusal(new ArrayBuffer(3))).toBe('decodeFrameMessage: expected at least 4 bytes, got 3');
    const long = new Uint8Array(raw(good, 48));
    new DataView(long.buffer).setUint32(0, 10_000, true);
    expect(refusal(long.buffer)).toMatch(/expected a header length up to \d+, got 10000/);
    expect(refusal(raw('{not json', 0))).toBe('decodeFrameMessage: expected a JSON header');
    expect(refusal(raw('[1,2]', 0))).toMatch(/expected a JSON object header, got an array/);
    expect(refusal(raw(JSON.stringify({ ...header(), type: 'job' }), 48))).toMatch(/type "frame", got job/);
    expect(refusal(raw(JSON.stringify({ ...header(), dtype: 'int16' }), 48))).toMatch(/dtype float32 \| uint8/);
    expect(refusal(raw(JSON.stringify({ ...header(), rows: -3 }), 48))).toMatch(/rows an integer >= 0, got -3/);
    expect(refusal(raw(JSON.stringify({ ...header(), sopInstanceUid: 7 }), 48))).toMatch(/sopInstanceUid a string/);
    expect(refusal(raw(JSON.stringify({ ...header(), windowWidth: '400' }), 48))).toMatch(/windowWidth a number/);
    expect(refusal(raw(good, 44))).toBe('decodeFrameMessage: expected 48 payload bytes, got 44');
    const rgb = JSON.stringify(header({ dtype: 'uint8', samplesPerPixel: 3 }));
    expect(refusal(raw(rgb, 35))).toBe('decodeFrameMessage: expected 36 payload bytes, got 35');
  });
});
