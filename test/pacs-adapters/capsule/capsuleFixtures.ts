import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The shared Kvasir-Capsule clips, read in place (never copied into the repository). */
export const CLIPS_DIR = '/work/shared/data/capsule-endoscopy-kvasir-capsule-clips';
export const FRAMES_TSV = join(CLIPS_DIR, 'FRAMES.tsv');
export const MANIFEST_TSV = join(CLIPS_DIR, 'MANIFEST.tsv');
/** 74 frames in 5 runs (11, 2, 2, 7, 52): the shortest clip, and the one with the most run boundaries. */
export const SHORT_CLIP = join(CLIPS_DIR, 'ad91cf7ca91440aa.mp4');
/** 554 frames in 3 runs (11, 532, 11): the longest run of the set. */
export const LONG_RUN_CLIP = join(CLIPS_DIR, 'fe5d372e43f94f68.mp4');
export const STILL_PNG =
  '/work/shared/data/capsule-camera-calibration-endoslam/PillCam/Cam1/frameId_0005355_time_00565149.png';

export const DCIODVFY = '/usr/bin/dciodvfy';
export const haveDciodvfy = existsSync(DCIODVFY);

export const FRAME_BYTES = 336 * 336 * 3;

/**
 * Decodes a clip independently of the module: ffmpeg via execFile, the whole output buffered (fine for the
 * short clips used here), same conversion flags as decodeVideoFrames.
 */
export function ffmpegRgbFrames(file: string, firstFrame = 0, count?: number): Promise<Buffer> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', file, '-map', '0:v:0'];
  if (firstFrame > 0) args.push('-vf', `select=gte(n\\,${firstFrame})`);
  args.push('-fps_mode', 'passthrough');
  if (count !== undefined) args.push('-frames:v', String(count));
  args.push('-sws_flags', 'accurate_rnd+full_chroma_int+bitexact', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1');
  return new Promise((resolve, reject) => {
    execFile('ffmpeg', args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(stdout);
    });
  });
}

/** Runs dciodvfy on a file; it reports on stderr. Resolves with all its output, whatever its exit status. */
export function dciodvfy(file: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(DCIODVFY, [file], { maxBuffer: 4 * 1024 * 1024 }, (_error, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    );
  });
}

/** Parses a TSV with a header line into records. */
export function readTsvRecords(text: string): Record<string, string>[] {
  const [head, ...rows] = text.trim().split('\n');
  const cols = head.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [cols[i], v])));
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
