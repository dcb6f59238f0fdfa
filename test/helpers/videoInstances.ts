import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  encodeEndoscopyVideo,
  encodeVideoStream,
  newUid,
  type EncodedVideo,
  type SyntheticSeriesContext,
  type VideoEncoding,
} from '../../pacs-adapters/index.js';
import { sharedPath } from './sharedData.js';

const run = promisify(execFile);

/** The shortest shared capsule clip (74 frames, 336x336, 8 fps MPEG-4 Part 2), read in place. */
export const VIDEO_SOURCE_CLIP = sharedPath('capsule-endoscopy-kvasir-capsule-clips', 'ad91cf7ca91440aa.mp4');
export const VIDEO_SIZE = 336;

/** One test instance per syntax family, plus the fragmentable form; `encoder` is the ffmpeg encoder it needs. */
export interface VideoCase {
  readonly name: string;
  readonly encoding: VideoEncoding;
  readonly encoder: string;
  readonly transferSyntaxUid: string;
  readonly fragmentBytes?: number;
  /**
   * Frames per second written into the stream and FrameTime: the clip's 8, except MPEG-2 MP@ML, whose frame rate
   * PS3.5 8.2.5 fixes at 25 (PAL) or 30 (NTSC) (dciodvfy enforces it): its frames play faster than the clip's.
   */
  readonly fps: number;
  /** True when the dicom3tools dictionary (20220618) predates the syntax and dciodvfy cannot parse the file. */
  readonly unknownToDciodvfy?: boolean;
}

export const VIDEO_CASES: readonly VideoCase[] = [
  { name: 'H.264', encoding: 'h264', encoder: 'libx264', transferSyntaxUid: '1.2.840.10008.1.2.4.102', fps: 8 },
  {
    name: 'H.264 fragmentable (64 KiB fragments)',
    encoding: 'h264',
    encoder: 'libx264',
    transferSyntaxUid: '1.2.840.10008.1.2.4.102.1',
    fragmentBytes: 65536,
    fps: 8,
    unknownToDciodvfy: true,
  },
  {
    name: 'HEVC',
    encoding: 'hevc',
    encoder: 'libx265',
    transferSyntaxUid: '1.2.840.10008.1.2.4.107',
    fps: 8,
    unknownToDciodvfy: true,
  },
  {
    name: 'MPEG-2',
    encoding: 'mpeg2',
    encoder: 'mpeg2video',
    transferSyntaxUid: '1.2.840.10008.1.2.4.100',
    fps: 25,
  },
];

/** The video encoders this machine's ffmpeg has (`ffmpeg -encoders`); a case whose encoder is missing is skipped. */
export function availableEncoders(): Set<string> {
  const out = execFileSync('ffmpeg', ['-hide_banner', '-encoders'], { encoding: 'utf8' });
  return new Set(
    out
      .split('\n')
      .map((l) => /^\s*V\S*\s+(\S+)/.exec(l)?.[1])
      .filter((x): x is string => x !== undefined),
  );
}

/** ffmpeg's own RGB decode of the first `count` frames of the source clip: the reference the reader is compared to. */
export async function sourceFrames(count: number): Promise<Uint8Array[]> {
  const { stdout } = await run(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', VIDEO_SOURCE_CLIP, '-map', '0:v:0'],
      ...[
        '-fps_mode',
        'passthrough',
        '-frames:v',
        String(count),
        '-sws_flags',
        'accurate_rnd+full_chroma_int+bitexact',
      ],
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ],
    { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
  );
  const frameBytes = VIDEO_SIZE * VIDEO_SIZE * 3;
  const frames: Uint8Array[] = [];
  for (let at = 0; at + frameBytes <= stdout.length; at += frameBytes) {
    frames.push(new Uint8Array(stdout.subarray(at, at + frameBytes)));
  }
  return frames;
}

export function videoSeriesContext(name: string): SyntheticSeriesContext {
  return {
    patientId: 'GSDIFF-VIDEO-TEST',
    patientName: 'GSDIFF^VIDEO TEST',
    studyInstanceUid: newUid(),
    studyId: 'VIDEOTEST',
    studyDescription: 'Project-made capsule video test data',
    seriesInstanceUid: newUid(),
    seriesNumber: 1,
    seriesDescription: `Capsule ad91cf7ca91440aa ${name}`,
    provenance: `Frames of the shared Kvasir-Capsule clip ad91cf7ca91440aa.mp4 re-encoded as ${name} by the test suite.`,
    softwareVersion: '0.1.0',
    createdAt: new Date('2026-12-01T12:00:00Z'),
  };
}

/** A stream of `frames` in the case's encoding (ffmpeg through the module's encodeVideoStream). */
export function encodeCase(c: VideoCase, frames: readonly Uint8Array[]): Promise<EncodedVideo> {
  return encodeVideoStream(frames, { encoding: c.encoding, width: VIDEO_SIZE, height: VIDEO_SIZE, fps: c.fps });
}

/**
 * A Video Endoscopic instance of `frames` in the case's syntax, encoded by ffmpeg and written by the module.
 * `transferSyntaxUid` overrides the case's label (a mislabelled file, or a twin for dciodvfy).
 */
export async function buildVideoInstance(
  c: VideoCase,
  frames: readonly Uint8Array[],
  over: { transferSyntaxUid?: string; encoded?: EncodedVideo; fragmentBytes?: number } = {},
): Promise<Uint8Array> {
  const encoded = over.encoded ?? (await encodeCase(c, frames));
  return encodeEndoscopyVideo(videoSeriesContext(c.name), {
    sopInstanceUid: newUid(),
    instanceNumber: 1,
    rows: VIDEO_SIZE,
    columns: VIDEO_SIZE,
    frames: encoded.frames,
    frameTimeMs: 1000 / c.fps,
    transferSyntaxUid: over.transferSyntaxUid ?? c.transferSyntaxUid,
    bitstream: encoded.bitstream,
    fragmentBytes: 'fragmentBytes' in over ? over.fragmentBytes : c.fragmentBytes,
    compressionRatio: encoded.compressionRatio,
    earlierLossyMethods: ['ISO_14496_2'],
  });
}

/** PSNR in dB of two 8-bit buffers of equal length. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`psnr: ${a.length} vs ${b.length} bytes`);
  let se = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    se += d * d;
  }
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** `dcmdump` (dcmtk) of a file's bytes: its exit status and output. */
export async function dcmdump(bytes: Uint8Array): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-dcmdump-'));
  try {
    const file = join(dir, 'instance.dcm');
    writeFileSync(file, bytes);
    try {
      const r = await run('dcmdump', [
        '-dc',
        '+P',
        '0002,0010',
        '+P',
        '0028,0008',
        '+P',
        '0028,0004',
        '+P',
        '7fe0,0010',
        file,
      ]);
      return { code: 0, out: `${r.stdout}${r.stderr}` };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof err.code === 'number' ? err.code : -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The frames as baseline JPEGs (ffmpeg mjpeg, 4:2:2 full-range YCbCr, i.e. YBR_FULL_422), one codestream per frame.
 */
export function jpegFrames(frames: readonly Uint8Array[]): Uint8Array[] {
  const stdout = execFileSync(
    'ffmpeg',
    [
      ...['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${VIDEO_SIZE}x${VIDEO_SIZE}`, '-i', 'pipe:0'],
      ...['-c:v', 'mjpeg', '-pix_fmt', 'yuvj422p', '-q:v', '2', '-f', 'mjpeg', 'pipe:1'],
    ],
    { maxBuffer: 64 * 1024 * 1024, input: Buffer.concat(frames.map((f) => Buffer.from(f))) },
  );
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i + 3 < stdout.length; i++) {
    // A frame ends at EOI (FF D9) followed by the next SOI (FF D8) or the end of the output.
    if (
      stdout[i] === 0xff &&
      stdout[i + 1] === 0xd9 &&
      (i + 2 === stdout.length || (stdout[i + 2] === 0xff && stdout[i + 3] === 0xd8))
    ) {
      out.push(new Uint8Array(stdout.subarray(start, i + 2)));
      start = i + 2;
    }
  }
  if (start < stdout.length) out.push(new Uint8Array(stdout.subarray(start)));
  return out;
}
