import type { DecodedSamples, FrameLayout } from './DecodedSamples.js';
import { wasmDecode } from './wasmCodecs.js';
import { cornerstoneJpegImage } from './cornerstoneDecoders.js';

/**
 * JPEG baseline / extended / progressive (DCT). 8-bit streams go to libjpeg-turbo (wasm); 12-bit streams, which
 * that build cannot read, go to Cornerstone's JS decoder. The sample precision comes from the SOF marker, not
 * from the header, because headers of converted files often disagree with their codestream.
 */
export async function decodeJpeg(encoded: Uint8Array, layout: FrameLayout): Promise<DecodedSamples> {
  const precision = jpegSofPrecision(encoded);
  if (precision !== undefined && precision <= 8) {
    const r = await wasmDecode('jpeg', encoded);
    return {
      bytes: r.bytes,
      width: r.width,
      height: r.height,
      components: r.components,
      bytesPerSample: 1,
      rgb: r.components === 3,
    };
  }
  const JpegImage = await cornerstoneJpegImage();
  const img = new JpegImage();
  img.parse(encoded);
  // Greyscale 12-bit: no colour transform applies; leaving it on would mangle 3-component data we never see here.
  img.colorTransform = false;
  const width = img.width;
  const height = img.height;
  const data = img.getData16(width, height);
  const components = Math.max(1, Math.round(data.length / (width * height)));
  return {
    bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
    width,
    height,
    components,
    bytesPerSample: 2,
    rgb: components === 3 && layout.samplesPerPixel === 3,
  };
}

/** Sample precision (P) of the first SOFn marker, or undefined when none is found. */
export function jpegSofPrecision(data: Uint8Array): number | undefined {
  let i = 2;
  while (i + 4 < data.length) {
    if (data[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = data[i + 1];
    if (marker === 0xff || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd9)) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    const length = (data[i + 2] << 8) | data[i + 3];
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return data[i + 4];
    i += 2 + length;
  }
  return undefined;
}
