import { spawn } from 'node:child_process';
import { RGB_SWS_FLAGS } from '../../capsule/decodeVideoFrames.js';
import { TailBuffer, toolInputPath } from '../../capsule/externalTool.js';

export interface DecoderRun {
  /** RGB24 frames of width*height*3 bytes, at most `maxFrames` + 1 (the extra one proves there were too many). */
  readonly frames: Uint8Array[];
  /** Bytes left over after the last whole frame (ffmpeg ended inside a frame). */
  readonly partialBytes: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Failure to start (ENOENT…) or the abort reason. */
  readonly error?: Error;
  /** ffmpeg's error-level messages, last 4 KiB on one line ("" when it printed none). */
  readonly messages: string;
}

/**
 * Runs ffmpeg over a stream file and collects its frames as RGB24 (same bit-exact swscale flags as capsule import).
 * Unlike capsule/decodeVideoFrames, which plays damaged clips through, it runs with `-xerror` and reports every
 * error-level message: ffmpeg conceals a corrupt slice and carries on with exit status 0, and a concealed frame must
 * not reach restoration as if it were the image. Stops ffmpeg (SIGKILL) once it delivers more than `maxFrames`.
 */
export async function runVideoDecoder(
  file: string,
  size: { readonly width: number; readonly height: number },
  maxFrames: number,
  options: { readonly ffmpegPath?: string; readonly signal?: AbortSignal },
): Promise<DecoderRun> {
  const args = [
    ...[
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-xerror',
      '-err_detect',
      'crccheck',
      '-i',
      toolInputPath(file),
    ],
    ...['-map', '0:v:0', '-an', '-sn', '-dn', '-fps_mode', 'passthrough', '-sws_flags', RGB_SWS_FLAGS],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
  ];
  const child = spawn(options.ffmpegPath ?? 'ffmpeg', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    signal: options.signal,
    windowsHide: true,
  });
  const stderr = new TailBuffer();
  child.stderr.on('data', (c: Buffer) => stderr.push(c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const frameBytes = size.width * size.height * 3;
  const frames: Uint8Array[] = [];
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length && frames.length <= maxFrames) {
      const n = Math.min(frameBytes - filled, chunk.length - at);
      frame.set(chunk.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === frameBytes) {
        frames.push(frame);
        frame = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
    if (frames.length > maxFrames && child.exitCode === null) child.kill('SIGKILL');
  });
  child.stdout.on('error', () => undefined); // reported through the exit status
  const exit = await exited;
  return { frames, partialBytes: filled, ...exit, messages: stderr.oneLine('') };
}
