import { spawn } from 'node:child_process';
import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import { TailBuffer, toolInputPath, toolStartError } from './externalTool.js';

/**
 * swscale flags for YUV -> RGB: accurate rounding, full chroma interpolation (instead of nearest chroma
 * sample) and bit-exact arithmetic, so the same file gives the same RGB bytes on every CPU.
 */
export const RGB_SWS_FLAGS = 'accurate_rnd+full_chroma_int+bitexact';

export interface FrameSize {
  readonly width: number;
  readonly height: number;
}

export interface DecodeOptions {
  /** The ffmpeg executable; a bare name is looked up on PATH (default "ffmpeg"). */
  ffmpegPath?: string;
  /** 0-based index of the first frame to deliver (default 0). Earlier frames are decoded and dropped by ffmpeg. */
  firstFrame?: number;
  /**
   * Frames to deliver; ffmpeg stops after them. When given, delivering fewer (the video ends early) is an error.
   * Default: to the end of the video.
   */
  frameCount?: number;
  /** Aborting kills ffmpeg; the iterator then rejects with the AbortError. */
  signal?: AbortSignal;
}

/**
 * Streams the frames of a video's first video stream as RGB24 (R,G,B interleaved, row-major, top row first),
 * one Uint8Array of exactly width*height*3 bytes per frame, decoded by ffmpeg (run without a shell, frames
 * read from its stdout). Memory stays bounded: ffmpeg blocks on the pipe while the consumer is busy, and only
 * the frame being filled is held here. Breaking out of the loop (or an error) kills ffmpeg.
 * Frames come in decoding order with ffmpeg's `-fps_mode passthrough`: no frame is duplicated or dropped to
 * fit a frame rate, so frame i here is frame i of `ffprobe -count_frames`.
 * @param file - path of the video
 * @param size - the stream's width and height (from probeVideo); a wrong size yields garbled frames or an error
 * @param options - frame range, ffmpeg path, abort signal
 * @throws PACS_ERR_TOOL_MISSING when ffmpeg cannot be started (Debian package ffmpeg)
 * @throws PACS_ERR_VIDEO when ffmpeg fails, ends inside a frame, or delivers fewer than frameCount frames
 * @example for await (const rgb of decodeVideoFrames('clip.mp4', { width: 336, height: 336 }, { firstFrame: 10, frameCount: 5 })) use(rgb);
 */
export async function* decodeVideoFrames(
  file: string,
  size: FrameSize,
  options: DecodeOptions = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const ffmpeg = options.ffmpegPath ?? 'ffmpeg';
  const firstFrame = options.firstFrame ?? 0;
  const frameCount = options.frameCount;
  checkInteger(file, 'width', size.width, 1);
  checkInteger(file, 'height', size.height, 1);
  checkInteger(file, 'firstFrame', firstFrame, 0);
  if (frameCount !== undefined) checkInteger(file, 'frameCount', frameCount, 1);
  const frameBytes = size.width * size.height * 3;
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-i',
    toolInputPath(file),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
    ...(firstFrame > 0 ? ['-vf', `select=gte(n\\,${firstFrame})`] : []),
    '-fps_mode',
    'passthrough',
    ...(frameCount !== undefined ? ['-frames:v', String(frameCount)] : []),
    '-sws_flags',
    RGB_SWS_FLAGS,
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];

  const child = spawn(ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal, windowsHide: true });
  const stderr = new TailBuffer();
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });

  let done = false;
  let delivered = 0;
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  const range = `from frame ${firstFrame}${frameCount !== undefined ? ` (${frameCount} requested)` : ''}`;
  try {
    try {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        let offset = 0;
        while (offset < chunk.length) {
          const n = Math.min(frameBytes - filled, chunk.length - offset);
          frame.set(chunk.subarray(offset, offset + n), filled);
          filled += n;
          offset += n;
          if (filled === frameBytes) {
            delivered++;
            const full = frame;
            frame = new Uint8Array(frameBytes);
            filled = 0;
            yield full;
          }
        }
      }
    } catch (e) {
      // A pipe error is reported below with the exit status when ffmpeg failed; otherwise it is the failure.
      const exit = await exited;
      if (!exit.error && exit.code === 0) {
        throw pacsError(
          'PACS_ERR_VIDEO',
          `reading ffmpeg output failed: ${describeThrown(e)}`,
          { file, tool: 'ffmpeg' },
          e,
        );
      }
    }
    const exit = await exited;
    done = true;
    if (exit.error) {
      if (exit.error.name === 'AbortError') throw exit.error;
      throw (
        toolStartError('ffmpeg', ffmpeg, file, exit.error) ??
        pacsError(
          'PACS_ERR_VIDEO',
          `ffmpeg failed: ${describeThrown(exit.error)}`,
          { file, tool: 'ffmpeg' },
          exit.error,
        )
      );
    }
    if (exit.code !== 0) {
      const status = exit.signal ? `signal ${exit.signal}` : `exit status ${exit.code}`;
      throw pacsError(
        'PACS_ERR_VIDEO',
        `ffmpeg could not decode the video ${range}: expected exit status 0, got ${status}: "${stderr.oneLine('no message')}"`,
        { file, tool: 'ffmpeg', firstFrame, delivered },
      );
    }
    if (filled !== 0) {
      throw pacsError(
        'PACS_ERR_VIDEO',
        `ffmpeg output ends inside frame ${firstFrame + delivered}: expected ${frameBytes} bytes per ${size.width}x${size.height} RGB frame, got ${filled}`,
        { file, tool: 'ffmpeg', frame: firstFrame + delivered },
      );
    }
    if (frameCount !== undefined && delivered !== frameCount) {
      throw pacsError(
        'PACS_ERR_VIDEO',
        `video ended early: expected ${frameCount} frames from frame ${firstFrame}, got ${delivered}`,
        { file, tool: 'ffmpeg', firstFrame, frameCount, delivered },
      );
    }
  } finally {
    if (!done) {
      // Early return by the consumer, or an error: stop ffmpeg now rather than let it decode to the end.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  }
}

function checkInteger(file: string, field: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw pacsError('PACS_ERR_VIDEO', `${field} is ${value}: expected an integer >= ${min}`, { file, field });
  }
}
