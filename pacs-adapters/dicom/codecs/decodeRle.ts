import type { DecodedSamples, FrameLayout } from './DecodedSamples.js';
import { cornerstoneRleDecoder } from './cornerstoneDecoders.js';

/** RLE Lossless (PS3.5 Annex G) with Cornerstone's decoder; colour comes back interleaved, in the header's space. */
export async function decodeRle(encoded: Uint8Array, layout: FrameLayout): Promise<DecodedSamples> {
  if (encoded.length < 64) throw new Error(`RLE header needs 64 bytes, got ${encoded.length}`);
  const segments = encoded[0] | (encoded[1] << 8) | (encoded[2] << 16) | (encoded[3] << 24);
  const expected = layout.samplesPerPixel * (layout.bitsAllocated / 8);
  if (segments !== expected) {
    throw new Error(
      `RLE header declares ${segments} segments: expected ${expected} (SamplesPerPixel x BitsAllocated/8)`,
    );
  }
  const decode = await cornerstoneRleDecoder();
  const frame = await decode(
    {
      rows: layout.rows,
      columns: layout.columns,
      samplesPerPixel: layout.samplesPerPixel,
      bitsAllocated: layout.bitsAllocated,
      // RLE segments are byte planes; Cornerstone interleaves them only when told the data is not planar.
      planarConfiguration: 0,
      pixelRepresentation: layout.pixelRepresentation,
    },
    encoded,
  );
  const px = frame.pixelData;
  if (!px) throw new Error('RLE decoder returned no pixels');
  const bytesPerSample = layout.bitsAllocated <= 8 ? 1 : layout.bitsAllocated <= 16 ? 2 : 4;
  return {
    bytes: new Uint8Array(px.buffer, px.byteOffset, px.byteLength).slice(),
    width: layout.columns,
    height: layout.rows,
    components: layout.samplesPerPixel,
    bytesPerSample,
    rgb: false,
  };
}
