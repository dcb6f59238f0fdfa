import type { NaturalDataset } from 'dcmjs';
import { pacsError } from '../errors.js';
import { isVideoEncoding, transferSyntaxInfo, type VideoEncoding } from '../dicom/transferSyntax.js';

/** FrameTime (0018,1063): what FrameIncrementPointer names in a video (PS3.3 C.7.6.6.1.1). */
const FRAME_TIME_TAG = 0x00181063;

/** PS3.3 C.7.6.1.1.5.1 defined terms of Lossy Image Compression Method, per video encoding. */
export const VIDEO_LOSSY_METHOD: Readonly<Record<VideoEncoding, string>> = {
  mpeg2: 'ISO_13818_2',
  h264: 'ISO_14496_10',
  hevc: 'ISO_23008_2',
};

export interface VideoPixelSpec {
  readonly transferSyntaxUid: string;
  readonly rows: number;
  readonly columns: number;
  readonly frames: number;
  readonly frameTimeMs: number;
  /** Uncompressed RGB bytes over stream bytes, recorded as LossyImageCompressionRatio. */
  readonly compressionRatio?: number;
  /** Lossy steps the frames went through before this encoding (e.g. the source's own), kept first in the method. */
  readonly earlierLossyMethods?: readonly string[];
  /**
   * Their ratios, in the same order, when known. PS3.3 C.7.6.1.1.5.2 pairs ratios with methods value by value, so
   * LossyImageCompressionRatio is written only when every earlier step's ratio is known (or there is none);
   * otherwise it is left out (Type 3) and `ratioRecorded` is false for the caller to state the ratio elsewhere.
   */
  readonly earlierLossyRatios?: readonly number[];
}

/** `videoPixelModules`' attributes and whether LossyImageCompressionRatio could be written aligned with the methods. */
export function ratioAligned(spec: VideoPixelSpec): boolean {
  const earlier = spec.earlierLossyMethods ?? [];
  const ratios = spec.earlierLossyRatios ?? [];
  return spec.compressionRatio !== undefined && Number.isFinite(spec.compressionRatio) && spec.compressionRatio > 0
    ? ratios.length === earlier.length
    : false;
}

/**
 * The Image Pixel, Cine and Multi-frame attributes of an MPEG-2 / H.264 / HEVC video (PS3.3 A.32.5, C.7.6.3,
 * C.7.6.5, C.7.6.6; PS3.5 8.2.5-8.2.8): 3 samples, YBR_PARTIAL_420, 8 bits, FrameIncrementPointer to FrameTime,
 * CineRate and RecommendedDisplayFrameRate rounded, LossyImageCompression 01 with the method (and ratio).
 * @throws PACS_ERR_WRITE when the syntax is not a video syntax or a number is out of range
 */
export function videoPixelModules(spec: VideoPixelSpec): NaturalDataset {
  const ts = transferSyntaxInfo(spec.transferSyntaxUid);
  const context = `video ${spec.transferSyntaxUid}`;
  if (!ts || !isVideoEncoding(ts.encoding)) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `transfer syntax ${spec.transferSyntaxUid}: expected an MPEG-2, H.264 or HEVC syntax`,
      {
        file: context,
        field: 'transferSyntaxUid',
      },
    );
  }
  for (const [field, v] of Object.entries({ rows: spec.rows, columns: spec.columns, frames: spec.frames })) {
    if (!Number.isSafeInteger(v) || v < 1 || (field !== 'frames' && v > 65535)) {
      throw pacsError('PACS_ERR_WRITE', `${field} is ${v}: expected a positive integer`, { file: context, field });
    }
  }
  if (!Number.isFinite(spec.frameTimeMs) || spec.frameTimeMs <= 0) {
    throw pacsError('PACS_ERR_WRITE', `frameTimeMs is ${spec.frameTimeMs}: expected a positive number`, {
      file: context,
      field: 'frameTimeMs',
    });
  }
  const fps = 1000 / spec.frameTimeMs;
  const earlier = spec.earlierLossyMethods ?? [];
  const ratio = spec.compressionRatio;
  return {
    FrameTime: ds(spec.frameTimeMs),
    CineRate: Math.max(1, Math.round(fps)),
    RecommendedDisplayFrameRate: Math.max(1, Math.round(fps)),
    NumberOfFrames: spec.frames,
    FrameIncrementPointer: FRAME_TIME_TAG,
    SamplesPerPixel: 3,
    PhotometricInterpretation: 'YBR_PARTIAL_420',
    PlanarConfiguration: 0,
    Rows: spec.rows,
    Columns: spec.columns,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    LossyImageCompression: '01',
    LossyImageCompressionMethod: [...earlier, VIDEO_LOSSY_METHOD[ts.encoding]],
    ...(ratio !== undefined && ratioAligned(spec)
      ? { LossyImageCompressionRatio: [...(spec.earlierLossyRatios ?? []), ratio].map(ds) }
      : {}),
  };
}

/** A DS value: at most 16 characters, integers as is, else up to 6 decimals without trailing zeros. */
function ds(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6))).slice(0, 16);
}
