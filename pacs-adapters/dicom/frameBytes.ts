import dicomParser from 'dicom-parser';
import type { DataSet } from './parseDataSet.js';

type Element = dicomParser.Element;

/**
 * The encoded bytes of one frame of encapsulated Pixel Data. Uses the Basic Offset Table when present, one
 * fragment per frame when counts match, and otherwise splits the fragment list at codestream start markers
 * (JPEG SOI, J2K SOC, JP2 signature box), which is how frames are found when encoders omit the table.
 */
export function encapsulatedFrame(ds: DataSet, el: Element, frameIndex: number, numberOfFrames: number): Uint8Array {
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new Error('encapsulated Pixel Data has no fragments');
  if (numberOfFrames === 1) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length) as Uint8Array;
  }
  const bot = el.basicOffsetTable ?? [];
  if (bot.length === numberOfFrames) {
    return dicomParser.readEncapsulatedImageFrame(ds, el, frameIndex) as Uint8Array;
  }
  if (fragments.length === numberOfFrames) {
    return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, frameIndex, 1) as Uint8Array;
  }
  const starts: number[] = [];
  fragments.forEach((f, i) => {
    if (isCodestreamStart(ds.byteArray, f.position, f.length)) starts.push(i);
  });
  if (starts.length !== numberOfFrames) {
    throw new Error(
      `cannot locate frame ${frameIndex}: ${fragments.length} fragments, no Basic Offset Table and ${starts.length} codestream starts for ${numberOfFrames} frames`,
    );
  }
  const first = starts[frameIndex];
  const next = frameIndex + 1 < starts.length ? starts[frameIndex + 1] : fragments.length;
  return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, first, next - first) as Uint8Array;
}

function isCodestreamStart(b: Uint8Array, pos: number, len: number): boolean {
  if (len < 2) return false;
  if (b[pos] === 0xff && (b[pos + 1] === 0xd8 || b[pos + 1] === 0x4f)) return true;
  return len >= 8 && b[pos + 4] === 0x6a && b[pos + 5] === 0x50 && b[pos + 6] === 0x20 && b[pos + 7] === 0x20;
}
