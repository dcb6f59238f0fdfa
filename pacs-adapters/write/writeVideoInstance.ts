import type { NaturalDataset } from 'dcmjs';
import { pacsError } from '../errors.js';
import { isVideoEncoding, transferSyntaxInfo } from '../dicom/transferSyntax.js';
import { encodePart10 } from './dcmjsCodec.js';
import { encapsulatedPixelDataElement, splitIntoFragments } from './encapsulatedPixelData.js';

/** The largest item an undefined-length sequence can hold (32-bit length, even, 0xFFFFFFFF reserved). */
const MAX_FRAGMENT = 0xfffffffe;

export interface VideoInstanceSpec {
  /** Every attribute but Pixel Data (see `videoPixelModules` for the pixel, cine and multi-frame ones). */
  readonly dataset: NaturalDataset;
  /** One of the MPEG-2, H.264 or HEVC syntaxes (dicom/transferSyntax.ts). */
  readonly transferSyntaxUid: string;
  /** The whole stream: an MPEG-2 program stream, or an Annex B H.264 / HEVC elementary stream. */
  readonly bitstream: Uint8Array;
  /** Fragmentable syntaxes only: split the stream into fragments of this many bytes (even). Default one fragment. */
  readonly fragmentBytes?: number;
  /** Names the instance in errors. */
  readonly context: string;
}

/**
 * Writes a video instance as a Part 10 file: the attributes encoded by dcmjs in Explicit VR Little Endian under
 * the video transfer syntax, then the stream encapsulated by us (empty Basic Offset Table, one fragment, or
 * fragments of `fragmentBytes` for a fragmentable syntax). The stream is copied once, into the final buffer.
 * @throws PACS_ERR_WRITE when the syntax is not a video syntax, a fragment size is given for a syntax that
 *   requires one fragment or is odd, the stream is empty or too large for one fragment, or the attributes lack
 *   Rows, Columns, NumberOfFrames or are not YBR_PARTIAL_420
 */
export function writeVideoInstance(spec: VideoInstanceSpec): Uint8Array {
  const { dataset, transferSyntaxUid, bitstream, fragmentBytes, context } = spec;
  const fail = (message: string, field: string): never => {
    throw pacsError('PACS_ERR_WRITE', message, { file: context, field, transferSyntax: transferSyntaxUid });
  };
  const ts = transferSyntaxInfo(transferSyntaxUid);
  if (!ts || !isVideoEncoding(ts.encoding)) {
    fail(`transfer syntax ${transferSyntaxUid}: expected an MPEG-2, H.264 or HEVC syntax`, 'transferSyntaxUid');
  }
  if (bitstream.length === 0) fail('the video stream is empty: expected a bitstream', 'bitstream');
  if (fragmentBytes !== undefined) {
    if (!ts?.fragmentable) {
      fail(
        `${ts?.name} keeps the stream in one fragment: expected no fragmentBytes (use the ".1" fragmentable syntax)`,
        'fragmentBytes',
      );
    }
    if (
      !Number.isSafeInteger(fragmentBytes) ||
      fragmentBytes < 2 ||
      fragmentBytes % 2 !== 0 ||
      fragmentBytes > MAX_FRAGMENT
    ) {
      fail(`fragmentBytes is ${fragmentBytes}: expected an even integer from 2 to ${MAX_FRAGMENT}`, 'fragmentBytes');
    }
  } else if (bitstream.length > MAX_FRAGMENT) {
    fail(`the stream is ${bitstream.length} bytes: expected at most ${MAX_FRAGMENT} in one fragment`, 'bitstream');
  }
  for (const field of ['Rows', 'Columns', 'NumberOfFrames'] as const) {
    const v = Number(dataset[field]);
    if (!Number.isSafeInteger(v) || v < 1)
      fail(`${field} is ${String(dataset[field])}: expected a positive integer`, field);
  }
  if (dataset.PhotometricInterpretation !== 'YBR_PARTIAL_420') {
    fail(
      `PhotometricInterpretation is ${String(dataset.PhotometricInterpretation)}: expected YBR_PARTIAL_420 (PS3.5 8.2.5-8.2.8)`,
      'PhotometricInterpretation',
    );
  }
  const { PixelData: _ignored, ...attributes } = dataset;
  const header = encodePart10(attributes, context, transferSyntaxUid);
  const pixelData = encapsulatedPixelDataElement(splitIntoFragments(bitstream, fragmentBytes));
  const out = new Uint8Array(header.length + pixelData.length);
  out.set(header, 0);
  out.set(pixelData, header.length);
  return out;
}
