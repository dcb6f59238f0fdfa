import { decodeFrame } from '../dicom/decodeFrame.js';
import { parseInstance } from '../dicom/readInstance.js';
import { transferSyntaxInfo } from '../dicom/transferSyntax.js';
import { pacsError } from '../errors.js';
import { readNaturalDataset, type NaturalDataset } from './dcmjsCodec.js';
import { encodeVideoStream } from './encodeVideoStream.js';
import { ratioAligned, videoPixelModules, VIDEO_LOSSY_METHOD } from './videoModules.js';
import type { DerivedInstance } from './writeDerivedInstance.js';
import { writeVideoInstance } from './writeVideoInstance.js';

/** The syntax each derived video encoding is written in: H.264 High Profile 4.1, HEVC Main 5.1. */
export const DERIVED_VIDEO_SYNTAX = {
  h264: '1.2.840.10008.1.2.4.102',
  hevc: '1.2.840.10008.1.2.4.107',
} as const;

/** A derived video encoding: what `gsdiff restore --video` and a job's `video` take. */
export type DerivedVideoEncoding = keyof typeof DERIVED_VIDEO_SYNTAX;
export const DERIVED_VIDEO_ENCODINGS = Object.freeze(Object.keys(DERIVED_VIDEO_SYNTAX) as DerivedVideoEncoding[]);

/** True for h264 and hevc. */
export function isDerivedVideoEncoding(v: unknown): v is DerivedVideoEncoding {
  return typeof v === 'string' && Object.hasOwn(DERIVED_VIDEO_SYNTAX, v);
}

export interface DerivedVideoOptions {
  /** Default h264, for archives that expect video; MPEG-2 is not offered (MP@ML fixes 25 / 30 fps). */
  readonly encoding?: DerivedVideoEncoding;
  /** CRF of libx264 / libx265 (default 18 / 20): lower keeps more of the restoration. */
  readonly quality?: number;
  readonly ffmpegPath?: string;
  /** Write the fragmentable ".1" H.264 syntax with fragments of this many bytes (even). */
  readonly fragmentBytes?: number;
  readonly signal?: AbortSignal;
}

export interface DerivedVideoInstance extends DerivedInstance {
  readonly transferSyntaxUid: string;
  /** Uncompressed RGB bytes over stream bytes of this encoding. */
  readonly compressionRatio: number;
  /** False when earlier lossy steps of unknown ratio kept LossyImageCompressionRatio out (see videoPixelModules). */
  readonly ratioRecorded: boolean;
}

/**
 * Re-writes one derived RGB instance (writeDerivedInstance's lossless output) as H.264 or HEVC video, for sites whose
 * archive expects video: the restored frames are encoded by ffmpeg and the same attributes are kept, with the video
 * pixel description (YBR_PARTIAL_420), LossyImageCompression 01, the encoding appended to
 * LossyImageCompressionMethod, its ratio in LossyImageCompressionRatio (when the earlier steps' ratios are known)
 * and always in DerivationDescription. Lossless stays the default: callers opt in per series.
 * @throws PACS_ERR_WRITE when the instance is not 8-bit RGB, has no frame time, the encoder fails or returns another
 *   number of frames; PACS_ERR_TOOL_MISSING without ffmpeg
 */
export async function derivedAsVideo(
  derived: DerivedInstance,
  options: DerivedVideoOptions = {},
): Promise<DerivedVideoInstance> {
  const encoding = options.encoding ?? 'h264';
  const context = `derived ${derived.sopInstanceUid}`;
  const baseSyntax = DERIVED_VIDEO_SYNTAX[encoding];
  const syntax = options.fragmentBytes !== undefined && encoding === 'h264' ? `${baseSyntax}.1` : baseSyntax;
  const inst = parseInstance(derived.bytes, context);
  const h = inst.header;
  if (
    h.samplesPerPixel !== 3 ||
    h.bitsAllocated !== 8 ||
    transferSyntaxInfo(h.transferSyntaxUid)?.encoding !== 'native'
  ) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `video output needs uncompressed 8-bit RGB frames: got SamplesPerPixel ${h.samplesPerPixel}, BitsAllocated ${h.bitsAllocated}, syntax ${h.transferSyntaxUid}`,
      { file: context, tag: '00280002' },
    );
  }
  if (h.frameTimeMs === undefined || !(h.frameTimeMs > 0)) {
    throw pacsError('PACS_ERR_WRITE', 'FrameTime (0018,1063) missing: expected the frame timing a video needs', {
      file: context,
      tag: '00181063',
    });
  }
  const frames: Uint8Array[] = [];
  for (let i = 0; i < h.numberOfFrames; i++) {
    const f = await decodeFrame(inst, i);
    if (f.kind !== 'rgb') throw pacsError('PACS_ERR_WRITE', `frame ${i} is not RGB`, { file: context, frame: i });
    frames.push(f.rgb as Uint8Array);
  }
  const encoded = await encodeVideoStream(frames, {
    encoding,
    width: h.columns,
    height: h.rows,
    fps: 1000 / h.frameTimeMs,
    quality: options.quality,
    ffmpegPath: options.ffmpegPath,
    signal: options.signal,
  });
  if (encoded.frames !== h.numberOfFrames) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `${encoded.encoder} took ${encoded.frames} frame(s): expected NumberOfFrames ${h.numberOfFrames}`,
      { file: context, tag: '00280008' },
    );
  }
  const ds = readNaturalDataset(derived.bytes, context);
  const lossyBefore = ds.LossyImageCompression === '01';
  const spec = {
    transferSyntaxUid: syntax,
    rows: h.rows,
    columns: h.columns,
    frames: h.numberOfFrames,
    frameTimeMs: h.frameTimeMs,
    compressionRatio: encoded.compressionRatio,
    earlierLossyMethods: lossyBefore ? strings(ds.LossyImageCompressionMethod) : [],
    earlierLossyRatios: lossyBefore ? strings(ds.LossyImageCompressionRatio).map(Number) : [],
  };
  const ratio = encoded.compressionRatio.toFixed(1);
  const note = ` Stored as ${VIDEO_LOSSY_METHOD[encoding]} (${encoded.encoder}) at ${ratio}:1.`;
  const description = `${String(ds.DerivationDescription ?? '')}${note}`.slice(0, 1024);
  const dataset: NaturalDataset = { ...ds, DerivationDescription: description };
  // The uncompressed instance's ratio list (if any) is rebuilt by videoPixelModules, aligned with the methods.
  delete dataset.LossyImageCompressionRatio;
  delete dataset.PixelData;
  if (dataset._vrMap)
    dataset._vrMap = Object.fromEntries(Object.entries(dataset._vrMap).filter(([k]) => k !== 'PixelData'));
  Object.assign(dataset, videoPixelModules(spec));
  const bytes = writeVideoInstance({
    dataset,
    transferSyntaxUid: syntax,
    bitstream: encoded.bitstream,
    fragmentBytes: options.fragmentBytes,
    context,
  });
  return {
    ...derived,
    bytes,
    transferSyntaxUid: syntax,
    compressionRatio: encoded.compressionRatio,
    ratioRecorded: ratioAligned(spec),
  };
}

function strings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).filter((x) => x !== '');
  if (typeof v === 'string' || typeof v === 'number')
    return String(v)
      .split('\\')
      .filter((x) => x !== '');
  return [];
}
