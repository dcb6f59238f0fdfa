import type { DecodedSamples } from './codecs/DecodedSamples.js';
import type { DecodedFrame, StoredArray } from './DecodedFrame.js';
import type { ImageHeader } from './ImageHeader.js';

/**
 * Turns codec output into the frame the rest of the module uses: greyscale samples masked to BitsStored and
 * sign-extended from HighBit, colour converted to RGB. Fails, naming the mismatch, when the codestream's size
 * disagrees with Rows/Columns/SamplesPerPixel.
 * @param nativeBits - true for uncompressed data, where HighBit may sit above BitsStored-1
 */
export function toDecodedFrame(s: DecodedSamples, h: ImageHeader, nativeBits: boolean): DecodedFrame {
  if (s.width !== h.columns || s.height !== h.rows) {
    throw new Error(`decoded ${s.width}x${s.height}: expected Columns x Rows ${h.columns}x${h.rows}`);
  }
  const expected = h.columns * h.rows * h.samplesPerPixel * s.bytesPerSample;
  if (s.bytes.length < expected) {
    throw new Error(
      `decoded ${s.bytes.length} bytes: expected ${expected} for ${h.samplesPerPixel} sample(s) per pixel`,
    );
  }
  if (h.samplesPerPixel === 1) {
    return {
      kind: 'gray',
      rows: h.rows,
      columns: h.columns,
      stored: storedValues(s, h, nativeBits),
      monochrome1: h.photometricInterpretation === 'MONOCHROME1',
    };
  }
  if (s.components !== 3) throw new Error(`decoded ${s.components} component(s): expected 3 (SamplesPerPixel)`);
  const n = h.rows * h.columns * 3;
  const rgb =
    s.bytesPerSample === 1 ? s.bytes.subarray(0, n) : new Uint16Array(s.bytes.buffer, s.bytes.byteOffset, n).slice();
  const pi = h.photometricInterpretation;
  if (!s.rgb && (pi === 'YBR_FULL' || pi === 'YBR_FULL_422')) ybrFullToRgb(rgb, s.bytesPerSample === 1 ? 255 : 65535);
  return { kind: 'rgb', rows: h.rows, columns: h.columns, rgb };
}

function storedValues(s: DecodedSamples, h: ImageHeader, nativeBits: boolean): StoredArray {
  const n = h.rows * h.columns;
  const bits = h.bitsStored;
  const shift = nativeBits ? Math.max(0, h.highBit + 1 - bits) : 0;
  const signed = h.pixelRepresentation === 1;
  const out: StoredArray =
    s.bytesPerSample === 1
      ? signed
        ? new Int8Array(n)
        : new Uint8Array(n)
      : s.bytesPerSample === 2
        ? signed
          ? new Int16Array(n)
          : new Uint16Array(n)
        : signed
          ? new Int32Array(n)
          : new Uint32Array(n);
  if (s.bytesPerSample <= 2) {
    // Fast path for 8/16-bit data: integer shifts; sign extension by shifting the sign bit up to bit 31 and back.
    const aligned = s.bytesPerSample === 2 && s.bytes.byteOffset % 2 !== 0 ? s.bytes.slice() : s.bytes;
    const src = s.bytesPerSample === 1 ? aligned : new Uint16Array(aligned.buffer, aligned.byteOffset, n);
    const mask = (1 << bits) - 1;
    const up = 32 - bits;
    for (let i = 0; i < n; i++) {
      const v = (src[i] >>> shift) & mask;
      out[i] = signed ? (v << up) >> up : v;
    }
    return out;
  }
  const view = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
  const full = 2 ** bits;
  const signBit = 2 ** (bits - 1);
  for (let i = 0; i < n; i++) {
    let v = Math.floor(view.getUint32(i * 4, true) / 2 ** shift) % full;
    if (signed && v >= signBit) v -= full;
    out[i] = v;
  }
  return out;
}

/** PS3.3 C.7.6.3.1.2 YBR_FULL (ITU-R BT.601 full range) to RGB, in place, clamped. */
function ybrFullToRgb(px: Uint8Array | Uint16Array, max: number): void {
  const half = (max + 1) / 2;
  for (let i = 0; i < px.length; i += 3) {
    const y = px[i];
    const cb = px[i + 1] - half;
    const cr = px[i + 2] - half;
    px[i] = clamp(Math.round(y + 1.402 * cr), max);
    px[i + 1] = clamp(Math.round(y - 0.344136 * cb - 0.714136 * cr), max);
    px[i + 2] = clamp(Math.round(y + 1.772 * cb), max);
  }
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}
