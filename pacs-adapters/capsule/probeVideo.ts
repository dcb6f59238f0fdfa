import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import { TailBuffer, toolInputPath, toolStartError } from './externalTool.js';
import type { FrameRate, VideoInfo } from './VideoInfo.js';

export interface ProbeOptions {
  /** The ffprobe executable; a bare name is looked up on PATH (default "ffprobe"). */
  ffprobePath?: string;
  /** Decode every frame to count them (`-count_frames`, default true). False trusts the container's nb_frames. */
  countFrames?: boolean;
  /** Kill ffprobe after this many milliseconds (default 120 000). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const STILL_IMAGE_FORMAT = /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/;

/**
 * Probes the first video stream of a file with ffprobe (run without a shell, JSON output).
 * @param file - path of the video
 * @param options - ffprobe path, whether to count frames by decoding, timeout
 * @throws PACS_ERR_FILE_READ when the file does not exist or is not a regular file
 * @throws PACS_ERR_TOOL_MISSING when ffprobe cannot be started (Debian package ffmpeg)
 * @throws PACS_ERR_VIDEO when ffprobe fails or the file holds no decodable video stream
 * @example const info = await probeVideo('clip.mp4'); // { width: 336, height: 336, fps: 8, frameCount: 74, codec: 'mpeg4', ... }
 */
export async function probeVideo(file: string, options: ProbeOptions = {}): Promise<VideoInfo> {
  const ffprobe = options.ffprobePath ?? 'ffprobe';
  const countFrames = options.countFrames ?? true;
  await requireRegularFile(file);
  const args = [
    '-v',
    'error',
    ...(countFrames ? ['-count_frames'] : []),
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_type,codec_name,codec_long_name,width,height,pix_fmt,r_frame_rate,avg_frame_rate,nb_frames,nb_read_frames,duration',
    '-show_entries',
    'format=format_name,duration',
    '-of',
    'json',
    toolInputPath(file),
  ];
  const stdout = await runFfprobe(ffprobe, args, file, options);
  return toVideoInfo(stdout, file, countFrames);
}

async function requireRegularFile(file: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch (e) {
    throw pacsError('PACS_ERR_FILE_READ', `cannot open: ${describeThrown(e)}`, { file }, e);
  }
  if (!isFile) throw pacsError('PACS_ERR_FILE_READ', 'not a regular file: expected a video file', { file });
}

function runFfprobe(ffprobe: string, args: string[], file: string, options: ProbeOptions): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      ffprobe,
      args,
      { maxBuffer: 1024 * 1024, timeout: options.timeoutMs ?? 120_000, signal: options.signal, windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) {
          resolvePromise(stdout);
          return;
        }
        const missing = toolStartError('ffprobe', ffprobe, file, error);
        if (missing) {
          reject(missing);
          return;
        }
        const tail = new TailBuffer(1000);
        tail.push(stderr);
        reject(
          pacsError(
            'PACS_ERR_VIDEO',
            `ffprobe could not read the file: expected a video ffmpeg can decode, got "${tail.oneLine(describeThrown(error))}"`,
            { file, tool: 'ffprobe' },
            error,
          ),
        );
      },
    );
  });
}

/** Validates ffprobe's JSON; every missing or odd field is named in the error. */
export function toVideoInfo(json: string, file: string, countFrames: boolean): VideoInfo {
  const bad = (what: string, got: string): never => {
    throw pacsError('PACS_ERR_VIDEO', `ffprobe output: expected ${what}, got ${got}`, { file, tool: 'ffprobe' });
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw pacsError('PACS_ERR_VIDEO', `ffprobe output is not JSON: ${describeThrown(e)}`, { file, tool: 'ffprobe' }, e);
  }
  const root = asRecord(parsed) ?? bad('a JSON object', typeof parsed);
  const format = asRecord(root.format) ?? {};
  const container = typeof format.format_name === 'string' ? format.format_name : '';
  const streams = Array.isArray(root.streams) ? root.streams : [];
  const stream = asRecord(streams[0]);
  if (!stream || stream.codec_type !== 'video') {
    bad('a video stream', `none (container "${container || 'unknown'}")`);
  }
  const s = stream as Record<string, unknown>;
  if (STILL_IMAGE_FORMAT.test(container)) bad('a video container', `a still image ("${container}")`);
  const width = positiveInt(s.width) ?? bad('a positive width', String(s.width));
  const height = positiveInt(s.height) ?? bad('a positive height', String(s.height));
  const frameRate =
    parseRational(s.avg_frame_rate) ??
    parseRational(s.r_frame_rate) ??
    bad('a frame rate', `"${String(s.avg_frame_rate)}"`);
  const counted = positiveInt(countFrames ? s.nb_read_frames : s.nb_frames);
  const frameCount =
    counted ??
    bad(
      `a frame count (${countFrames ? 'nb_read_frames' : 'nb_frames'})`,
      String(countFrames ? s.nb_read_frames : s.nb_frames),
    );
  const duration = Number(s.duration ?? format.duration);
  if (countFrames) checkComplete(file, frameCount, positiveInt(s.nb_frames), Number(format.duration), frameRate);
  return {
    file,
    width,
    height,
    frameRate,
    fps: frameRate.numerator / frameRate.denominator,
    frameCount,
    frameCountDecoded: countFrames,
    codec: typeof s.codec_name === 'string' ? s.codec_name : '',
    codecLongName: typeof s.codec_long_name === 'string' ? s.codec_long_name : '',
    pixelFormat: typeof s.pix_fmt === 'string' ? s.pix_fmt : '',
    container,
    durationSeconds: Number.isFinite(duration) && duration > 0 ? duration : undefined,
  };
}

/**
 * A cut-off file still decodes, just fewer frames than its header promises (a truncated Matroska or AVI). The
 * stream's declared frame count, else the container's duration at the frame rate, is what it promised; rounding of
 * durations and edit lists allow a small shortfall (2 frames or 2 %), no more.
 */
function checkComplete(
  file: string,
  decoded: number,
  declared: number | undefined,
  durationSeconds: number,
  rate: FrameRate,
): void {
  const fromDuration =
    Number.isFinite(durationSeconds) && durationSeconds > 0
      ? Math.round((durationSeconds * rate.numerator) / rate.denominator)
      : undefined;
  const promised = declared ?? fromDuration;
  if (promised === undefined) return;
  if (decoded < promised - Math.max(2, Math.ceil(0.02 * promised))) {
    const source = declared !== undefined ? 'the stream header declares' : 'the container duration implies';
    throw pacsError(
      'PACS_ERR_VIDEO',
      `truncated or corrupt video: ${source} ${promised} frames, ffmpeg decoded ${decoded}`,
      { file, tool: 'ffprobe' },
    );
  }
}

/** "8/1" -> { 8, 1 }; "0/0" (unknown) and anything non-positive -> undefined. */
export function parseRational(v: unknown): FrameRate | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  if (!m) return undefined;
  const numerator = Number(m[1]);
  const denominator = Number(m[2]);
  if (numerator <= 0 || denominator <= 0) return undefined;
  return { numerator, denominator };
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function positiveInt(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
