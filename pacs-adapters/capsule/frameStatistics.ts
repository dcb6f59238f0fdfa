import type { FrameSize } from './decodeVideoFrames.js';

/** How two frames of a clip differ: what the cut detector reads. */
export interface FrameDistance {
  /**
   * Mean absolute difference of the block-averaged luma (8-bit levels, LUMA_GRID x LUMA_GRID blocks). Averaging
   * over blocks first removes most MPEG block noise, so a repeated frame reads near 0 even after re-encoding.
   */
  readonly luma: number;
  /** Mean absolute difference of the colour layout (mean R, G, B over LAYOUT_GRID x LAYOUT_GRID cells, 8-bit levels). */
  readonly layout: number;
  /** Half the L1 distance of the RGB histograms (HISTOGRAM_BINS per channel), per channel mean: 0 same, 1 disjoint. */
  readonly histogram: number;
}

/**
 * Distances between each frame and the STATISTICS_BAND frames before it: `distances[i][k - 1]` compares frame
 * i - k with frame i (frame 0 has an empty list). A band rather than neighbours only, because a cut is told apart
 * from fast capsule motion by whether the frames on one side resemble any frame on the other.
 */
export interface ClipStatistics {
  readonly frameCount: number;
  readonly band: number;
  readonly distances: readonly (readonly FrameDistance[])[];
}

export const STATISTICS_BAND = 3;
export const LUMA_GRID = 48;
export const LAYOUT_GRID = 4;
export const HISTOGRAM_BINS = 16;

/** The reduced form of one frame (a few kB): block-mean luma, colour layout, per-channel histogram. */
interface FrameSummary {
  readonly luma: Float32Array;
  readonly layout: Float32Array;
  readonly histogram: Float64Array;
}

/**
 * Reduces a stream of RGB24 frames to the banded distances the cut detector reads. Holds STATISTICS_BAND frame
 * summaries, never a frame.
 * @param frames - RGB24 frames of exactly width*height*3 bytes (decodeVideoFrames)
 * @param size - the frames' width and height
 * @example const stats = await clipStatistics(decodeVideoFrames(clip, video), video);
 */
export async function clipStatistics(
  frames: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  size: FrameSize,
): Promise<ClipStatistics> {
  const distances: FrameDistance[][] = [];
  const recent: FrameSummary[] = [];
  for await (const rgb of frames) {
    const current = summarizeFrame(rgb, size);
    distances.push(recent.map((_, k) => frameDistance(recent[recent.length - 1 - k], current)));
    recent.push(current);
    if (recent.length > STATISTICS_BAND) recent.shift();
  }
  return { frameCount: distances.length, band: STATISTICS_BAND, distances };
}

/** The distance of two RGB24 frames of one size (see FrameDistance). */
export function rgbFrameDistance(a: Uint8Array, b: Uint8Array, size: FrameSize): FrameDistance {
  return frameDistance(summarizeFrame(a, size), summarizeFrame(b, size));
}

function summarizeFrame(rgb: Uint8Array, { width, height }: FrameSize): FrameSummary {
  const gx = Math.min(LUMA_GRID, width);
  const gy = Math.min(LUMA_GRID, height);
  const lx = Math.min(LAYOUT_GRID, width);
  const ly = Math.min(LAYOUT_GRID, height);
  const luma = new Float64Array(gx * gy);
  const lumaCount = new Uint32Array(gx * gy);
  const layout = new Float64Array(lx * ly * 3);
  const layoutCount = new Uint32Array(lx * ly);
  const histogram = new Float64Array(3 * HISTOGRAM_BINS);
  const shift = 8 - Math.log2(HISTOGRAM_BINS);
  for (let y = 0; y < height; y++) {
    const rowLuma = Math.floor((y * gy) / height) * gx;
    const rowLayout = Math.floor((y * ly) / height) * lx;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      const r = rgb[p];
      const g = rgb[p + 1];
      const b = rgb[p + 2];
      const cell = rowLuma + Math.floor((x * gx) / width);
      // BT.601 weights: the decoder's YUV -> RGB used BT.601, so this is close to the coded Y.
      luma[cell] += 0.299 * r + 0.587 * g + 0.114 * b;
      lumaCount[cell]++;
      const area = rowLayout + Math.floor((x * lx) / width);
      layout[area * 3] += r;
      layout[area * 3 + 1] += g;
      layout[area * 3 + 2] += b;
      layoutCount[area]++;
      histogram[r >> shift]++;
      histogram[HISTOGRAM_BINS + (g >> shift)]++;
      histogram[2 * HISTOGRAM_BINS + (b >> shift)]++;
    }
  }
  const pixels = width * height;
  return {
    luma: Float32Array.from(luma, (v, i) => v / lumaCount[i]),
    layout: Float32Array.from(layout, (v, i) => v / layoutCount[Math.floor(i / 3)]),
    histogram: histogram.map((v) => v / pixels),
  };
}

function frameDistance(a: FrameSummary, b: FrameSummary): FrameDistance {
  return {
    luma: meanAbs(a.luma, b.luma),
    layout: meanAbs(a.layout, b.layout),
    // Each channel's histogram sums to 1, so its L1 distance is at most 2: three channels at most 6.
    histogram: sumAbs(a.histogram, b.histogram) / 6,
  };
}

function meanAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return sumAbs(a, b) / a.length;
}

function sumAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s;
}
