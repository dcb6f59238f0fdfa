import type { DecodedSamples } from './DecodedSamples.js';
import { wasmDecode, type WasmCodecName } from './wasmCodecs.js';

/**
 * JPEG-LS (CharLS), JPEG 2000 (OpenJPEG) and HTJ2K (OpenJPH). All three undo their own colour transforms
 * (JPEG-LS has none for DICOM; J2K RCT/ICT are inverted by the decoder), so 3-component output is RGB.
 */
export async function decodeWasmFrame(
  codec: Exclude<WasmCodecName, 'jpeg'>,
  encoded: Uint8Array,
): Promise<DecodedSamples & { nearLossless?: number }> {
  const r = await wasmDecode(codec, encoded);
  const bytesPerSample = r.bitsPerSample <= 8 ? 1 : r.bitsPerSample <= 16 ? 2 : 4;
  return {
    bytes: r.bytes,
    width: r.width,
    height: r.height,
    components: r.components,
    bytesPerSample,
    rgb: r.components === 3,
    nearLossless: r.nearLossless,
  };
}
