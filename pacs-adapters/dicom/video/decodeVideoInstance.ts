import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeThrown } from '../../../common/index.js';
import { toolStartError } from '../../capsule/externalTool.js';
import { PacsError, pacsError } from '../../errors.js';
import type { DicomInstance } from '../DicomInstance.js';
import { isVideoEncoding, transferSyntaxInfo, type VideoEncoding } from '../transferSyntax.js';
import { probeStream } from './probeStream.js';
import { runVideoDecoder } from './runVideoDecoder.js';
import { videoDecodeBudgetMs } from './videoDecodeBudget.js';
import { videoBitstream, videoContainer, videoExtension, type VideoContainer } from './videoStream.js';

export interface VideoDecodeOptions {
  /** The ffmpeg / ffprobe executables; bare names are looked up on PATH (defaults "ffmpeg", "ffprobe"). */
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Kill ffmpeg and fail after this long (default `videoDecodeBudgetMs` of the instance's frames and size). */
  timeoutMs?: number;
  /** Refuse instances whose decoded RGB frames would exceed this (default 2 GiB), before starting ffmpeg. */
  maxDecodedBytes?: number;
  signal?: AbortSignal;
}

/** Every frame of a video instance as RGB24, with the timing the instance and the stream state. */
export interface DecodedVideo {
  /** NumberOfFrames frames of Columns*Rows*3 bytes, R,G,B interleaved, in presentation order. */
  readonly frames: readonly Uint8Array[];
  readonly width: number;
  readonly height: number;
  /** From FrameTime (0018,1063), else FrameTimeVector, else CineRate (0018,0040): what playback uses. */
  readonly frameTimeMs: number;
  /** The frame rate the bitstream itself declares (ffprobe); elementary H.264/HEVC often carry none (ffmpeg then assumes 25). */
  readonly streamFps?: number;
  /** ffprobe's codec name: mpeg2video, h264, hevc. */
  readonly codec: string;
  readonly container: VideoContainer;
  readonly streamBytes: number;
  readonly timeoutMs: number;
}

const DEFAULT_MAX_DECODED = 2 * 1024 * 1024 * 1024;

/** ffprobe codec names each syntax family may carry (MPEG-2 decoders read MPEG-1 too, and PS3.5 allows it in MP@ML). */
const CODECS: Readonly<Record<VideoEncoding, readonly string[]>> = {
  mpeg2: ['mpeg2video', 'mpeg1video'],
  h264: ['h264'],
  hevc: ['hevc'],
};

/** CineRate is an integer (IS): a 29.97 fps FrameTime goes with CineRate 30, so 1 fps of rounding is allowed. */
const CINE_RATE_TOLERANCE_FPS = 1;

/**
 * Decodes every frame of an MPEG-2 / H.264 / HEVC instance (PS3.5 8.2.5-8.2.8) with ffmpeg: the fragments are
 * concatenated into one stream, written to a private temp file, probed (codec and size checked against the
 * transfer syntax and Rows/Columns) and decoded to RGB24 with the same bit-exact swscale flags as capsule import.
 * The decoded frame count must equal NumberOfFrames exactly (a cut stream decodes fewer frames; no tolerance).
 * The whole decode runs under a time budget scaled by frames and frame size; when it runs out ffmpeg is killed.
 * @param instance - a parsed instance whose transfer syntax is one of the video syntaxes
 * @throws PACS_ERR_UNSUPPORTED_TRANSFER_SYNTAX (not a video syntax), PACS_ERR_UNSUPPORTED_PIXEL_FORMAT (not 3
 *   samples), PACS_ERR_MISSING_ATTRIBUTE (no FrameTime/FrameTimeVector/CineRate), PACS_ERR_BAD_ATTRIBUTE (FrameTime
 *   and CineRate disagree), PACS_ERR_DECODE (native pixel data, empty or undecodable stream, wrong codec or size,
 *   frame count mismatch, time budget exceeded, too large), PACS_ERR_TOOL_MISSING (no ffmpeg / ffprobe)
 */
export async function decodeVideoInstance(
  instance: DicomInstance,
  options: VideoDecodeOptions = {},
): Promise<DecodedVideo> {
  const { header: h, dataSet: ds, file } = instance;
  const ts = transferSyntaxInfo(h.transferSyntaxUid);
  if (!ts || !isVideoEncoding(ts.encoding)) {
    throw pacsError(
      'PACS_ERR_UNSUPPORTED_TRANSFER_SYNTAX',
      `TransferSyntaxUID (0002,0010) "${h.transferSyntaxUid}": expected an MPEG-2, H.264 or HEVC syntax`,
      { file, tag: '00020010', transferSyntax: h.transferSyntaxUid },
    );
  }
  const encoding = ts.encoding;
  const where = { file, tag: '7FE00010', transferSyntax: ts.uid };
  if (h.samplesPerPixel !== 3) {
    throw pacsError(
      'PACS_ERR_UNSUPPORTED_PIXEL_FORMAT',
      `SamplesPerPixel (0028,0002) is ${h.samplesPerPixel}: expected 3 for ${ts.name} (decoded to RGB)`,
      { file, tag: '00280002', transferSyntax: ts.uid },
    );
  }
  const frameTimeMs = checkedFrameTime(instance, ts.name);
  const frames = h.numberOfFrames;
  const frameBytes = h.rows * h.columns * 3;
  const maxDecoded = options.maxDecodedBytes ?? DEFAULT_MAX_DECODED;
  if (frames * frameBytes > maxDecoded) {
    throw pacsError(
      'PACS_ERR_DECODE',
      `${ts.name}: ${frames} frames of ${h.columns}x${h.rows} RGB are ${frames * frameBytes} bytes decoded: expected at most ${maxDecoded}`,
      { ...where, field: 'decoded size', frames },
    );
  }
  const el = ds.elements.x7fe00010;
  if (!el?.encapsulatedPixelData) {
    throw pacsError(
      'PACS_ERR_DECODE',
      `Pixel Data (7FE0,0010) is ${el ? 'native' : 'absent'}: expected the encapsulated video stream of ${ts.name}`,
      where,
    );
  }
  let stream: Uint8Array;
  try {
    stream = videoBitstream(ds, el);
  } catch (e) {
    throw pacsError('PACS_ERR_DECODE', `Pixel Data (7FE0,0010) fragments: ${describeThrown(e)}`, where, e);
  }
  if (stream.length < 4) {
    throw pacsError('PACS_ERR_DECODE', `${ts.name} stream is ${stream.length} bytes: expected a video bitstream`, {
      ...where,
      field: 'stream',
    });
  }
  const container = videoContainer(stream);
  const timeoutMs = options.timeoutMs ?? videoDecodeBudgetMs(frames, h.rows, h.columns);
  const dir = await mkdtemp(join(tmpdir(), 'gsdiff-video-'));
  const tmp = join(dir, `stream${videoExtension(container, encoding)}`);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new Error(`no result within ${timeoutMs} ms`)), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
  const stage = { now: 'probe' as 'probe' | 'decode' };
  try {
    await writeFile(tmp, stream);
    const probe = await probeStream(tmp, { ffprobePath: options.ffprobePath, signal });
    if (!CODECS[encoding].includes(probe.codec)) {
      throw pacsError(
        'PACS_ERR_DECODE',
        `${ts.name}: the stream is ${probe.codec || 'not video'} (${container}): expected ${CODECS[encoding].join(' or ')}`,
        { ...where, field: 'codec', codec: probe.codec },
      );
    }
    if (probe.width !== h.columns || probe.height !== h.rows) {
      throw pacsError(
        'PACS_ERR_DECODE',
        `${ts.name}: the stream is ${probe.width}x${probe.height}: expected Columns x Rows (0028,0011)/(0028,0010) ${h.columns}x${h.rows}`,
        { ...where, field: 'size', width: probe.width, height: probe.height },
      );
    }
    stage.now = 'decode';
    const size = { width: h.columns, height: h.rows };
    const run = await runVideoDecoder(tmp, size, frames, { ffmpegPath: options.ffmpegPath, signal });
    if (run.error) {
      if (signal.aborted) throw run.error;
      throw (
        toolStartError('ffmpeg', options.ffmpegPath ?? 'ffmpeg', file, run.error) ??
        pacsError('PACS_ERR_DECODE', `${ts.name}: ffmpeg failed: ${describeThrown(run.error)}`, where, run.error)
      );
    }
    if (signal.aborted) throw signal.reason;
    const out = run.frames;
    const tooMany = out.length > frames;
    if (!tooMany && (run.code !== 0 || run.messages !== '')) {
      const status = run.signal ? `signal ${run.signal}` : `exit status ${run.code}`;
      throw pacsError(
        'PACS_ERR_DECODE',
        `${ts.name} stream (${container}, ${stream.length} bytes) has decoding errors after ${out.length} of ${frames} frame(s): expected a clean stream, got ffmpeg ${status}: "${(run.messages || 'no message').split(tmp).join('the stream')}"`,
        {
          ...where,
          field: 'stream',
          stage: 'decode',
          tool: 'ffmpeg',
          decodedFrames: out.length,
          expectedFrames: frames,
        },
      );
    }
    if (out.length !== frames || run.partialBytes !== 0) {
      const got = tooMany ? `more than ${frames}` : `${out.length}${run.partialBytes ? ' and a partial' : ''}`;
      throw pacsError(
        'PACS_ERR_DECODE',
        `${ts.name}: ffmpeg decoded ${got} frame(s): expected NumberOfFrames (0028,0008) ${frames} (the stream is truncated, corrupt or mislabelled)`,
        { ...where, field: 'frame count', expectedFrames: frames, decodedFrames: out.length },
      );
    }
    return {
      frames: out,
      width: h.columns,
      height: h.rows,
      frameTimeMs,
      streamFps: probe.fps,
      codec: probe.codec,
      container,
      streamBytes: stream.length,
      timeoutMs,
    };
  } catch (e) {
    if (timeout.signal.aborted && !options.signal?.aborted) {
      throw pacsError(
        'PACS_ERR_DECODE',
        `${ts.name}: ffmpeg did not ${stage.now} the ${stream.length}-byte stream within ${timeoutMs} ms (budget for ${frames} frames of ${h.columns}x${h.rows}): expected a decodable stream; ffmpeg was killed`,
        { ...where, field: 'decode time', stage: stage.now, timeoutMs, frames },
        e,
      );
    }
    if (options.signal?.aborted) throw options.signal.reason ?? e;
    if (e instanceof PacsError && e.code === 'PACS_ERR_VIDEO') {
      // ffmpeg's complaint names our temp file; the reader wants the DICOM file and the stage.
      const what = e.message
        .split(tmp)
        .join('the stream')
        .replace(/^the stream: /, '');
      throw pacsError(
        'PACS_ERR_DECODE',
        `${ts.name} stream (${container}, ${stream.length} bytes) failed to ${stage.now}: ${what}`,
        { ...where, field: 'stream', stage: stage.now, tool: stage.now === 'probe' ? 'ffprobe' : 'ffmpeg' },
        e,
      );
    }
    throw e;
  } finally {
    clearTimeout(timer);
    await rm(dir, { recursive: true, force: true });
  }
}

/** FrameTime, or what FrameTimeVector / CineRate give, and FrameTime and CineRate agreeing when both are present. */
function checkedFrameTime(instance: DicomInstance, syntaxName: string): number {
  const { header: h, dataSet: ds, file } = instance;
  const frameTimeMs = h.frameTimeMs;
  if (frameTimeMs === undefined || !Number.isFinite(frameTimeMs) || frameTimeMs <= 0) {
    throw pacsError(
      'PACS_ERR_MISSING_ATTRIBUTE',
      `FrameTime (0018,1063), FrameTimeVector (0018,1065) and CineRate (0018,0040) missing or not positive: expected the frame timing of ${syntaxName} video (Cine module)`,
      { file, tag: '00181063', field: 'FrameTime' },
    );
  }
  const frameTime = Number(ds.string('x00181063'));
  const cineRate = Number(ds.string('x00180040'));
  if (frameTime > 0 && cineRate > 0 && Math.abs(1000 / frameTime - cineRate) > CINE_RATE_TOLERANCE_FPS) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `CineRate (0018,0040) is ${cineRate}: expected ${(1000 / frameTime).toFixed(3)} ± ${CINE_RATE_TOLERANCE_FPS} frames/s from FrameTime (0018,1063) ${frameTime} ms`,
      { file, tag: '00180040', field: 'CineRate', frameTimeMs: frameTime, cineRate },
    );
  }
  return frameTimeMs;
}
