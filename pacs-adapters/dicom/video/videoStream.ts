import dicomParser from 'dicom-parser';
import type { DataSet } from '../parseDataSet.js';

/** How the bitstream in Pixel Data is packaged; chooses the temp file's extension so ffmpeg probes it quickly. */
export type VideoContainer = 'mpeg-ps' | 'mpeg-ts' | 'mp4' | 'elementary';

/**
 * The whole video bitstream of an encapsulated Pixel Data element: every fragment after the (empty) Basic Offset
 * Table, concatenated. PS3.5 8.2.5-8.2.8 put one stream for all frames in the Pixel Data; the non-fragmentable
 * syntaxes keep it in one fragment and the fragmentable ones may split it anywhere, so concatenation reads both.
 */
export function videoBitstream(ds: DataSet, el: dicomParser.Element): Uint8Array {
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new Error('encapsulated Pixel Data has no fragments: expected the video stream');
  return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length) as Uint8Array;
}

/**
 * Recognises the packaging by its first bytes: an MPEG-2 program stream pack header (00 00 01 BA), transport stream
 * sync bytes every 188 bytes, an ISO BMFF `ftyp` box, else a raw elementary stream (Annex B H.264/HEVC, MPEG-2 video).
 */
export function videoContainer(stream: Uint8Array): VideoContainer {
  if (stream.length >= 4 && stream[0] === 0 && stream[1] === 0 && stream[2] === 1 && stream[3] === 0xba) {
    return 'mpeg-ps';
  }
  if (stream.length >= 377 && stream[0] === 0x47 && stream[188] === 0x47 && stream[376] === 0x47) return 'mpeg-ts';
  if (stream.length >= 8 && String.fromCharCode(...stream.subarray(4, 8)) === 'ftyp') return 'mp4';
  return 'elementary';
}

/** The temp file's extension for a container and codec family. */
export function videoExtension(container: VideoContainer, encoding: 'mpeg2' | 'h264' | 'hevc'): string {
  if (container === 'mpeg-ps') return '.mpg';
  if (container === 'mpeg-ts') return '.ts';
  if (container === 'mp4') return '.mp4';
  return encoding === 'mpeg2' ? '.m2v' : encoding === 'h264' ? '.h264' : '.hevc';
}
