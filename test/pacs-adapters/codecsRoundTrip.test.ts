import { createRequire } from 'node:module';
import { decodeFrame, readInstanceFile, type GrayFrame, type ImageHeader } from '../../pacs-adapters/index.js';
import { decodeWasmFrame } from '../../pacs-adapters/dicom/codecs/decodeWasmFrame.js';
import { toDecodedFrame } from '../../pacs-adapters/dicom/toDecodedFrame.js';
import { sharedPath } from '../helpers/sharedData.js';

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  isUsingColorTransform: boolean;
}
interface Encoder {
  getDecodedBuffer(info: FrameInfo): Uint8Array;
  getEncodedBuffer(): Uint8Array;
  encode(): void;
  setQuality(lossless: boolean, quantizationStep: number): void;
}

/** OpenJPH's own encoder (same package as the decoder) gives an HTJ2K codestream with a known original. */
async function htj2kEncode(pixels: Int16Array, width: number, height: number): Promise<Uint8Array> {
  const require = createRequire(import.meta.url);
  const exported = require('@cornerstonejs/codec-openjph/wasmjs') as
    | ((o: object) => Promise<{ HTJ2KEncoder: new () => Encoder }>)
    | { default: (o: object) => Promise<{ HTJ2KEncoder: new () => Encoder }> };
  const factory = typeof exported === 'function' ? exported : exported.default;
  const mod = await factory({ print: () => undefined, printErr: () => undefined });
  const enc = new mod.HTJ2KEncoder();
  const info = { width, height, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false };
  enc.getDecodedBuffer(info).set(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
  enc.setQuality(true, 0);
  enc.encode();
  return enc.getEncodedBuffer().slice();
}

describe('HTJ2K decoding', () => {
  it('decodes a lossless HTJ2K codestream of a signed 16-bit CT slice bit-exactly', async () => {
    const inst = await readInstanceFile(sharedPath('ct-ge-head-human-tilted/01.dcm'));
    const original = (await decodeFrame(inst, 0)) as GrayFrame;
    const pixels = Int16Array.from(original.stored);
    const codestream = await htj2kEncode(pixels, inst.header.columns, inst.header.rows);
    expect(codestream[0]).toBe(0xff);
    expect(codestream[1]).toBe(0x4f); // J2K SOC marker
    const back = toDecodedFrame(await decodeWasmFrame('htj2k', codestream), inst.header, false) as GrayFrame;
    expect(Buffer.from(back.stored.buffer).equals(Buffer.from(pixels.buffer))).toBe(true);
  });
});

describe('photometric handling', () => {
  const header = (over: Partial<ImageHeader>): ImageHeader =>
    ({
      rows: 1,
      columns: 3,
      samplesPerPixel: 1,
      bitsAllocated: 8,
      bitsStored: 8,
      highBit: 7,
      pixelRepresentation: 0,
      photometricInterpretation: 'MONOCHROME2',
      ...over,
    }) as ImageHeader;

  it('flags MONOCHROME1 without inverting the stored values', () => {
    const f = toDecodedFrame(
      { bytes: Uint8Array.from([0, 100, 255]), width: 3, height: 1, components: 1, bytesPerSample: 1, rgb: false },
      header({ photometricInterpretation: 'MONOCHROME1' }),
      true,
    ) as GrayFrame;
    expect(f.monochrome1).toBe(true);
    expect(Array.from(f.stored)).toEqual([0, 100, 255]);
  });

  it('converts YBR_FULL to RGB with the PS3.3 C.7.6.3.1.2 equations', () => {
    // Y=128, Cb=128, Cr=255: R = 128 + 1.402*127 = 306 -> clamped 255; G = 128 - 0.714*127 = 37.3; B = 128.
    const f = toDecodedFrame(
      {
        bytes: Uint8Array.from([128, 128, 255, 76, 85, 255]),
        width: 2,
        height: 1,
        components: 3,
        bytesPerSample: 1,
        rgb: false,
      },
      header({ columns: 2, samplesPerPixel: 3, photometricInterpretation: 'YBR_FULL' }),
      true,
    );
    expect(f.kind).toBe('rgb');
    const rgb = f.kind === 'rgb' ? Array.from(f.rgb) : [];
    expect(rgb.slice(0, 3)).toEqual([255, 37, 128]);
    // Y=76, Cb=85, Cr=255: R = 76 + 1.402*127 = 254.1; G = 76 + 0.344*43 - 0.714*127 = 0.1; B = 76 - 1.772*43 < 0 -> 0.
    expect(rgb.slice(3)).toEqual([254, 0, 0]);
  });
});
