import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import type { DecodedSamples } from './codecs/DecodedSamples.js';
import { decodeJpeg } from './codecs/decodeJpeg.js';
import { decodeJpegLossless } from './codecs/decodeJpegLossless.js';
import { decodeNative, nativeFrameBits } from './codecs/decodeNative.js';
import { decodeRle } from './codecs/decodeRle.js';
import { decodeWasmFrame } from './codecs/decodeWasmFrame.js';
import { endsWithEoi } from './codecs/jpegEndMarker.js';
import type { DecodedFrame } from './DecodedFrame.js';
import type { DicomInstance } from './DicomInstance.js';
import { encapsulatedFrame } from './frameBytes.js';
import { toDecodedFrame } from './toDecodedFrame.js';
import { isVideoEncoding, transferSyntaxInfo } from './transferSyntax.js';
import type { VideoDecodeOptions } from './video/decodeVideoInstance.js';
import { cachedVideo } from './video/videoFrameCache.js';

/** Options of the video path (MPEG-2, H.264, HEVC through ffmpeg); the image codecs take none. */
export type FrameDecodeOptions = VideoDecodeOptions;

/**
 * Decodes one frame of an instance to stored values (greyscale) or RGB. Video syntaxes decode the whole stream
 * once per instance object (ffmpeg, `video/decodeVideoInstance.ts`) and serve later frames from it.
 * @param options - video decoding only: ffmpeg/ffprobe paths, time budget, abort signal
 * @throws PACS_ERR_UNSUPPORTED_TRANSFER_SYNTAX, PACS_ERR_FRAME_INDEX, PACS_ERR_PIXEL_DATA_LENGTH,
 *   PACS_ERR_UNSUPPORTED_PIXEL_FORMAT, PACS_ERR_DECODE, PACS_ERR_MISSING_ATTRIBUTE / PACS_ERR_BAD_ATTRIBUTE (video
 *   timing), PACS_ERR_TOOL_MISSING (no ffmpeg) — each naming the file, the tag and what was expected
 */
export async function decodeFrame(
  instance: DicomInstance,
  frameIndex = 0,
  options: FrameDecodeOptions = {},
): Promise<DecodedFrame> {
  const { header: h, dataSet: ds, file } = instance;
  const ts = transferSyntaxInfo(h.transferSyntaxUid);
  if (!ts) {
    throw pacsError(
      'PACS_ERR_UNSUPPORTED_TRANSFER_SYNTAX',
      `TransferSyntaxUID (0002,0010) "${h.transferSyntaxUid}" has no decoder: expected one of the native, RLE, JPEG, JPEG-LS, JPEG 2000, HTJ2K, MPEG-2, H.264 or HEVC syntaxes`,
      { file, tag: '00020010', transferSyntax: h.transferSyntaxUid },
    );
  }
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= h.numberOfFrames) {
    throw pacsError('PACS_ERR_FRAME_INDEX', `frame ${frameIndex} requested: expected 0..${h.numberOfFrames - 1}`, {
      file,
      tag: '00280008',
    });
  }
  const pi = h.photometricInterpretation;
  const okPhotometric =
    h.samplesPerPixel === 1
      ? pi === 'MONOCHROME1' || pi === 'MONOCHROME2'
      : ['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_RCT', 'YBR_ICT', 'YBR_PARTIAL_420'].includes(pi);
  if (!okPhotometric) {
    throw pacsError(
      'PACS_ERR_UNSUPPORTED_PIXEL_FORMAT',
      `PhotometricInterpretation (0028,0004) "${pi}" with SamplesPerPixel ${h.samplesPerPixel}: expected MONOCHROME1/2 for 1 sample, RGB or YBR_* for 3`,
      { file, tag: '00280004' },
    );
  }
  const el = ds.elements.x7fe00010;
  if (!el) {
    throw pacsError(
      'PACS_ERR_NO_PIXEL_DATA',
      'Pixel Data (7FE0,0010) absent: expected integer pixel data (float pixel data is not supported)',
      {
        file,
        tag: '7FE00010',
      },
    );
  }
  const layout = h;
  let samples: DecodedSamples;
  if (ts.encoding === 'native') {
    if (el.encapsulatedPixelData) {
      throw pacsError(
        'PACS_ERR_DECODE',
        `Pixel Data (7FE0,0010) is encapsulated: expected native data for ${ts.name}`,
        {
          file,
          tag: '7FE00010',
        },
      );
    }
    const needBits = nativeFrameBits(layout) * h.numberOfFrames;
    const available = Math.min(el.length, ds.byteArray.length - el.dataOffset);
    if (available * 8 < needBits) {
      throw pacsError(
        'PACS_ERR_PIXEL_DATA_LENGTH',
        `Pixel Data (7FE0,0010) holds ${available} bytes: expected ${Math.ceil(needBits / 8)} for ${h.numberOfFrames} frame(s) of ${h.columns}x${h.rows}x${h.samplesPerPixel} at ${h.bitsAllocated} bits`,
        { file, tag: '7FE00010', expectedBytes: Math.ceil(needBits / 8), actualBytes: available },
      );
    }
    const data = ds.byteArray.subarray(el.dataOffset, el.dataOffset + available);
    samples = decodeNative(data, frameIndex, layout, ts.bigEndian, el.vr);
    return frameOrThrow(samples, instance, true);
  }
  if (!el.encapsulatedPixelData) {
    throw pacsError(
      'PACS_ERR_DECODE',
      `Pixel Data (7FE0,0010) is native: expected encapsulated fragments for ${ts.name}`,
      {
        file,
        tag: '7FE00010',
        transferSyntax: ts.uid,
      },
    );
  }
  if (isVideoEncoding(ts.encoding)) {
    const video = await cachedVideo(instance, options);
    const rgb = video.frames[frameIndex];
    samples = { bytes: rgb, width: video.width, height: video.height, components: 3, bytesPerSample: 1, rgb: true };
    return frameOrThrow(samples, instance, false);
  }
  let encoded: Uint8Array;
  try {
    encoded = encapsulatedFrame(ds, el, frameIndex, h.numberOfFrames);
  } catch (e) {
    throw pacsError(
      'PACS_ERR_DECODE',
      `Pixel Data (7FE0,0010) fragments: ${describeThrown(e)}`,
      { file, tag: '7FE00010' },
      e,
    );
  }
  try {
    switch (ts.encoding) {
      case 'rle':
        samples = await decodeRle(encoded, layout);
        break;
      case 'jpeg-baseline':
      case 'jpeg-extended':
        samples = await decodeJpeg(encoded, layout);
        break;
      case 'jpeg-lossless':
        samples = await decodeJpegLossless(encoded, layout);
        break;
      case 'jpeg-ls':
        if (!endsWithEoi(encoded)) {
          throw pacsError(
            'PACS_ERR_DECODE',
            `${ts.name} frame ${frameIndex}: the stream does not end with the end-of-image marker FFD9: expected a complete JPEG-LS stream (the file is truncated or its fragments are corrupt)`,
            { file, tag: '7FE00010', field: 'end-of-image marker', transferSyntax: ts.uid, frame: frameIndex },
          );
        }
        samples = await decodeWasmFrame('jpegls', encoded);
        break;
      case 'jpeg2000':
        samples = await decodeWasmFrame('j2k', encoded);
        break;
      case 'htj2k':
        samples = await decodeWasmFrame('htj2k', encoded);
        break;
      default:
        throw new Error(`no frame decoder for ${ts.encoding}`);
    }
  } catch (e) {
    if (e instanceof Error && 'code' in e) throw e;
    throw pacsError(
      'PACS_ERR_DECODE',
      `${ts.name} frame ${frameIndex} failed to decode: ${describeThrown(e)}`,
      { file, tag: '7FE00010', transferSyntax: ts.uid, frame: frameIndex },
      e,
    );
  }
  return frameOrThrow(samples, instance, false);
}

function frameOrThrow(samples: DecodedSamples, instance: DicomInstance, native: boolean): DecodedFrame {
  try {
    return toDecodedFrame(samples, instance.header, native);
  } catch (e) {
    throw pacsError(
      'PACS_ERR_DECODE',
      `Pixel Data (7FE0,0010): ${describeThrown(e)}`,
      {
        file: instance.file,
        tag: '7FE00010',
        transferSyntax: instance.header.transferSyntaxUid,
      },
      e,
    );
  }
}
