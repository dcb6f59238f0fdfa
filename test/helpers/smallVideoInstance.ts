import { encodeEndoscopyVideo, encodeVideoStream, newUid } from '../../pacs-adapters/index.js';
import { sourceFrames, VIDEO_SIZE, videoSeriesContext } from './videoInstances.js';

/** A DICOM H.264 capsule instance and the UIDs a test looks it up by. */
export interface CapsuleVideo {
  readonly bytes: Uint8Array;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid: string;
}

/**
 * The first `frames` frames of the shared capsule clip, shrunk by `step` (every step-th pixel) so the tiny pack
 * restores them in seconds, as a Video Endoscopic H.264 instance (1.2.840.10008.1.2.4.102) at `fps`.
 */
export async function smallCapsuleH264(frames: number, step: number, fps: number): Promise<CapsuleVideo> {
  const size = Math.floor(VIDEO_SIZE / step) & ~1; // 4:2:0 wants even sizes
  const small = (await sourceFrames(frames)).map((f) => {
    const out = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < 3; c++) out[(y * size + x) * 3 + c] = f[(y * step * VIDEO_SIZE + x * step) * 3 + c];
    return out;
  });
  const encoded = await encodeVideoStream(small, { encoding: 'h264', width: size, height: size, fps });
  const ctx = videoSeriesContext('H.264 (viewer cine)');
  const sopInstanceUid = newUid();
  const bytes = encodeEndoscopyVideo(ctx, {
    sopInstanceUid,
    instanceNumber: 1,
    rows: size,
    columns: size,
    frames: encoded.frames,
    frameTimeMs: 1000 / fps,
    transferSyntaxUid: '1.2.840.10008.1.2.4.102',
    bitstream: encoded.bitstream,
    compressionRatio: encoded.compressionRatio,
    earlierLossyMethods: ['ISO_14496_2'],
  });
  return {
    bytes,
    studyInstanceUid: ctx.studyInstanceUid,
    seriesInstanceUid: ctx.seriesInstanceUid,
    sopInstanceUid,
  };
}
