import { Decoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import type { DecodedSamples, FrameLayout } from './DecodedSamples.js';

/** JPEG Lossless (process 14, any predictor) with Cornerstone's maintained decoder. */
export async function decodeJpegLossless(encoded: Uint8Array, layout: FrameLayout): Promise<DecodedSamples> {
  const bytesPerSample = layout.bitsAllocated <= 8 ? 1 : 2;
  const decoder = new Decoder();
  const out = decoder.decode(
    encoded.buffer as ArrayBuffer,
    encoded.byteOffset,
    encoded.length,
    bytesPerSample,
  ) as ArrayBufferView;
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength).slice();
  const components = (decoder as unknown as { numComp?: number }).numComp ?? layout.samplesPerPixel;
  return {
    bytes,
    width: (decoder as unknown as { xDim?: number }).xDim ?? layout.columns,
    height: (decoder as unknown as { yDim?: number }).yDim ?? layout.rows,
    components,
    bytesPerSample,
    rgb: false,
  };
}
