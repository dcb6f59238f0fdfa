import type { DecodedSamples, FrameLayout } from './DecodedSamples.js';

/**
 * Uncompressed frames (native and deflated syntaxes). Byte order is fixed to little endian here, 1-bit data is
 * unpacked, planar colour is interleaved and YBR_FULL_422's shared chroma is expanded to one triplet per pixel.
 * @param frameBits - bit offset of the frame inside the pixel data (frames of 1-bit data are not byte aligned)
 */
export function decodeNative(
  pixelData: Uint8Array,
  frameIndex: number,
  layout: FrameLayout,
  bigEndian: boolean,
  vr: string | undefined,
): DecodedSamples {
  const { rows, columns, samplesPerPixel: spp, bitsAllocated } = layout;
  const pixels = rows * columns;
  if (bitsAllocated === 1) {
    const startBit = frameIndex * pixels;
    const out = new Uint8Array(pixels);
    for (let i = 0; i < pixels; i++) {
      const bit = startBit + i;
      out[i] = (pixelData[bit >> 3] >> (bit & 7)) & 1;
    }
    return { bytes: out, width: columns, height: rows, components: 1, bytesPerSample: 1, rgb: false };
  }
  const bytesPerSample = (bitsAllocated / 8) as 1 | 2 | 4;
  const is422 = layout.photometricInterpretation === 'YBR_FULL_422' && spp === 3 && bitsAllocated === 8;
  const frameBytes = is422 ? pixels * 2 : pixels * spp * bytesPerSample;
  const start = frameIndex * frameBytes;
  let bytes: Uint8Array = pixelData.slice(start, start + frameBytes);
  // Big endian: multi-byte samples are swapped; so are 8-bit samples stored as OW words.
  const swapWidth = bigEndian ? (bytesPerSample > 1 ? bytesPerSample : vr === 'OW' ? 2 : 1) : 1;
  if (swapWidth > 1) swapBytes(bytes, swapWidth);
  if (is422) {
    bytes = expandYbr422(bytes, pixels);
  } else if (spp === 3 && layout.planarConfiguration === 1) {
    bytes = interleave(bytes, pixels, bytesPerSample);
  }
  return { bytes, width: columns, height: rows, components: spp, bytesPerSample, rgb: false };
}

/** Frame size in bytes as stored, used to check that Pixel Data is long enough. */
export function nativeFrameBits(layout: FrameLayout): number {
  const pixels = layout.rows * layout.columns;
  if (layout.bitsAllocated === 1) return pixels;
  if (
    layout.photometricInterpretation === 'YBR_FULL_422' &&
    layout.samplesPerPixel === 3 &&
    layout.bitsAllocated === 8
  ) {
    return pixels * 16;
  }
  return pixels * layout.samplesPerPixel * layout.bitsAllocated;
}

function swapBytes(b: Uint8Array, width: number): void {
  const n = b.length - (b.length % width);
  for (let i = 0; i < n; i += width) {
    for (let a = 0, z = width - 1; a < z; a++, z--) {
      const t = b[i + a];
      b[i + a] = b[i + z];
      b[i + z] = t;
    }
  }
}

function interleave(planar: Uint8Array, pixels: number, bps: number): Uint8Array {
  const out = new Uint8Array(planar.length);
  const plane = pixels * bps;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < bps; k++) out[(p * 3 + c) * bps + k] = planar[c * plane + p * bps + k];
    }
  }
  return out;
}

/** Y1 Y2 Cb Cr per pixel pair -> Y Cb Cr per pixel (PS3.3 C.7.6.3.1.2). */
function expandYbr422(src: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let p = 0, s = 0; p + 1 < pixels + 1 && s + 3 < src.length; p += 2, s += 4) {
    const cb = src[s + 2];
    const cr = src[s + 3];
    out[p * 3] = src[s];
    out[p * 3 + 1] = cb;
    out[p * 3 + 2] = cr;
    if (p + 1 < pixels) {
      out[p * 3 + 3] = src[s + 1];
      out[p * 3 + 4] = cb;
      out[p * 3 + 5] = cr;
    }
  }
  return out;
}
