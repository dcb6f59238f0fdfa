/**
 * Wall-clock budget for decoding one video instance, scaled by its frames and their size: a fixed start-up
 * allowance (ffmpeg and ffprobe start, probing) plus a per-frame allowance for a 640x480 frame, scaled by area.
 * It is generous (ffmpeg decodes a 336x336 H.264 frame in about 1 ms on one core) and exists to bound a stream that
 * keeps the decoder busy, the way the JPEG-LS end-of-image check bounds CharLS.
 */
export const VIDEO_DECODE_BUDGET = {
  startupMs: 10_000,
  perFrameMs: 50,
  referencePixels: 640 * 480,
} as const;

export function videoDecodeBudgetMs(frames: number, rows: number, columns: number): number {
  const scale = Math.max(1, (rows * columns) / VIDEO_DECODE_BUDGET.referencePixels);
  return Math.round(VIDEO_DECODE_BUDGET.startupMs + frames * VIDEO_DECODE_BUDGET.perFrameMs * scale);
}
