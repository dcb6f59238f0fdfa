import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Two pure-JS decoders that ship inside @cornerstonejs/dicom-image-loader (pinned to an exact version in
 * package.json) but are not in its exports map: the RLE Lossless decoder and the JPEG decoder Cornerstone uses for
 * 12-bit JPEG Extended, which libjpeg-turbo's 8-bit build cannot read. Loading them by file URL keeps one
 * maintained implementation for viewer and server instead of a hand-written codec.
 */
const require = createRequire(import.meta.url);
const root = dirname(require.resolve('@cornerstonejs/dicom-image-loader/package.json'));

export interface CornerstoneImageFrame {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  planarConfiguration: number;
  pixelRepresentation: number;
  pixelData?: ArrayBufferView;
}

type RleDecode = (frame: CornerstoneImageFrame, data: Uint8Array) => Promise<CornerstoneImageFrame>;

interface JpegImageInstance {
  parse(data: Uint8Array): void;
  colorTransform: boolean;
  getData(width: number, height: number): Uint8Array;
  getData16(width: number, height: number): Uint16Array;
  width: number;
  height: number;
  components: { length: number } | unknown[];
}

let rle: Promise<RleDecode> | undefined;
let jpeg: Promise<new () => JpegImageInstance> | undefined;

export function cornerstoneRleDecoder(): Promise<RleDecode> {
  rle ??= import(pathToFileURL(join(root, 'dist/esm/shared/decoders/decodeRLE.js')).href).then(
    (m: { default: RleDecode }) => m.default,
  );
  return rle;
}

export function cornerstoneJpegImage(): Promise<new () => JpegImageInstance> {
  jpeg ??= import(pathToFileURL(join(root, 'dist/esm/codecs/jpeg.js')).href).then(
    (m: { default: new () => JpegImageInstance }) => m.default,
  );
  return jpeg;
}
