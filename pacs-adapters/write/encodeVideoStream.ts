import { spawn } from 'node:child_process';
import { describeThrown } from '../../common/index.js';
import { RGB_SWS_FLAGS } from '../capsule/decodeVideoFrames.js';
import { TailBuffer, toolStartError } from '../capsule/externalTool.js';
import { pacsError } from '../errors.js';
import type { VideoEncoding } from '../dicom/transferSyntax.js';

export interface VideoEncodeSpec {
  readonly encoding: VideoEncoding;
  readonly width: number;
  readonly height: number;
  /** Frames per second of the stream, written into its headers (MPEG-2 sequence header, H.264/HEVC VUI). */
  readonly fps: number;
  /**
   * Quality: the CRF of libx264 / libx265 (default 18 / 20), the qscale of mpeg2video (default 3). Lower is better.
   */
  readonly quality?: number;
  readonly ffmpegPath?: string;
  /** Kill ffmpeg after this long (default 10 s + 200 ms per frame given). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface EncodedVideo {
  readonly bitstream: Uint8Array;
  readonly frames: number;
  /** The ffmpeg encoder used: libx264, libx265 or mpeg2video. */
  readonly encoder: string;
  /** Uncompressed RGB bytes over stream bytes. */
  readonly compressionRatio: number;
}

/**
 * ffmpeg arguments per encoding: the profile / level the DICOM syntax names (H.264 High at 4.1, HEVC Main at 5.1,
 * MPEG-2 Main), 4:2:0, BT.601 limited range tagged in the stream so every decoder converts back the same way,
 * and the packaging the reader expects: MPEG-2 program stream, Annex B elementary streams for H.264 and HEVC.
 * `-strict unofficial` lets MPEG-2 carry rates such as 8 fps through its frame_rate_extension fields. HEVC carries
 * an MD5 of every decoded picture (x265 `hash=1`, an SEI message), so a reader can tell a corrupt stream from a
 * valid one; H.264 and MPEG-2 have no such checksum.
 */
function encoderArgs(spec: VideoEncodeSpec): { encoder: string; args: string[] } {
  switch (spec.encoding) {
    case 'h264':
      return {
        encoder: 'libx264',
        args: [
          '-c:v',
          'libx264',
          '-profile:v',
          'high',
          '-level:v',
          '4.1',
          '-crf',
          String(spec.quality ?? 18),
          '-f',
          'h264',
        ],
      };
    case 'hevc':
      return {
        encoder: 'libx265',
        args: [
          '-c:v',
          'libx265',
          '-profile:v',
          'main',
          '-x265-params',
          `log-level=error:level-idc=51:hash=1:crf=${spec.quality ?? 20}`,
          '-f',
          'hevc',
        ],
      };
    case 'mpeg2':
      return {
        encoder: 'mpeg2video',
        args: [
          '-c:v',
          'mpeg2video',
          '-profile:v',
          'main',
          '-strict',
          'unofficial',
          '-q:v',
          String(spec.quality ?? 3),
          '-f',
          'vob',
        ],
      };
  }
}

/**
 * Encodes RGB24 frames (R,G,B interleaved, width*height*3 bytes each) into an MPEG-2, H.264 or HEVC stream with
 * the system ffmpeg (no shell; frames written to its stdin with back-pressure, the stream read from its stdout).
 * @throws PACS_ERR_TOOL_MISSING when ffmpeg cannot be started; PACS_ERR_WRITE when a frame has the wrong size,
 *   ffmpeg fails (its stderr tail quoted), produces nothing, or exceeds the time limit
 */
export async function encodeVideoStream(
  frames: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  spec: VideoEncodeSpec,
): Promise<EncodedVideo> {
  const context = `${spec.encoding} encode ${spec.width}x${spec.height}`;
  const ffmpeg = spec.ffmpegPath ?? 'ffmpeg';
  const frameBytes = spec.width * spec.height * 3;
  const { encoder, args } = encoderArgs(spec);
  const rate = Number.isInteger(spec.fps) ? String(spec.fps) : `${Math.round(spec.fps * 1000)}/1000`;
  const child = spawn(
    ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-s',
      `${spec.width}x${spec.height}`,
      '-framerate',
      rate,
      '-i',
      'pipe:0',
      '-sws_flags',
      RGB_SWS_FLAGS,
      '-pix_fmt',
      'yuv420p',
      '-color_range',
      'tv',
      '-colorspace',
      'bt470bg',
      '-color_primaries',
      'bt470bg',
      '-color_trc',
      'smpte170m',
      ...args,
      'pipe:1',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'], signal: spec.signal, windowsHide: true },
  );
  const stderr = new TailBuffer();
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stdin.on('error', () => undefined); // EPIPE when ffmpeg dies early: reported from its exit status
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  let timedOut = false;
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ms);
  };
  arm(spec.timeoutMs ?? 10_000);
  try {
    for await (const f of frames) {
      if (f.length !== frameBytes) {
        throw pacsError(
          'PACS_ERR_WRITE',
          `frame ${count} holds ${f.length} bytes: expected ${frameBytes} (${spec.width}x${spec.height} RGB)`,
          {
            file: context,
            frame: count,
          },
        );
      }
      count++;
      if (spec.timeoutMs === undefined) arm(10_000 + 200 * count);
      if (!child.stdin.write(f)) await new Promise<void>((r) => child.stdin.once('drain', () => r()));
      if (child.exitCode !== null || child.signalCode !== null) break;
    }
    child.stdin.end();
    const exit = await exited;
    if (exit.error) {
      throw (
        toolStartError('ffmpeg', ffmpeg, context, exit.error) ??
        pacsError(
          'PACS_ERR_WRITE',
          `ffmpeg failed: ${describeThrown(exit.error)}`,
          { file: context, tool: 'ffmpeg' },
          exit.error,
        )
      );
    }
    if (timedOut) {
      throw pacsError(
        'PACS_ERR_WRITE',
        `${encoder} did not finish ${count} frames in time: expected an encoded stream`,
        {
          file: context,
          tool: 'ffmpeg',
          frames: count,
        },
      );
    }
    if (exit.code !== 0) {
      const status = exit.signal ? `signal ${exit.signal}` : `exit status ${exit.code}`;
      throw pacsError(
        'PACS_ERR_WRITE',
        `${encoder} failed: expected exit status 0, got ${status}: "${stderr.oneLine('no message')}"`,
        {
          file: context,
          tool: 'ffmpeg',
          encoder,
        },
      );
    }
    const bitstream = new Uint8Array(Buffer.concat(chunks));
    if (count === 0 || bitstream.length === 0) {
      throw pacsError(
        'PACS_ERR_WRITE',
        `${encoder} produced ${bitstream.length} bytes from ${count} frames: expected a stream`,
        {
          file: context,
          tool: 'ffmpeg',
        },
      );
    }
    return { bitstream, frames: count, encoder, compressionRatio: (count * frameBytes) / bitstream.length };
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}
