import { modelError } from '../errors.js';

/** Checks the grid arguments shared by splice and unsplice; throws MODEL_ERR_BAD_OPTION. */
export function checkGridShape(fn: string, rows: number, cols: number, C: number, H: number, W: number): void {
  for (const [name, v] of [
    ['rows', rows],
    ['cols', cols],
    ['C', C],
    ['H', H],
    ['W', W],
  ] as const)
    if (!Number.isInteger(v) || v < 1)
      throw modelError('MODEL_ERR_BAD_OPTION', `${fn}: ${name}: expected an integer >= 1, got ${v}`, { option: name });
}

/**
 * Lays k = rows·cols frames out row-major in one image (GSDiff §"Grid splicing"): cell (i, j) holds frame
 * t = i·cols + j (0-based; the paper writes t = i·m + j + 1, 1-based), so the U-Net sees all frames at once.
 * Output pixel (c, y, x) = frames[⌊y/H⌋·cols + ⌊x/W⌋][c, y mod H, x mod W].
 * @param frames - rows·cols frames, each [C, H, W] row-major
 * @param rows - n, grid rows
 * @param cols - m, grid columns
 * @param C - channels
 * @param H - frame height
 * @param W - frame width
 * @returns the grid, [C, H·rows, W·cols]
 * @throws MODEL_ERR_BAD_OPTION for a non-positive size
 * @throws MODEL_ERR_BAD_INPUT when the frame count or a frame's length is wrong
 * @example const grid = spliceGrid(nineFrames, 3, 3, 3, 32, 32); // Float32Array of 3 x 96 x 96
 */
export function spliceGrid(
  frames: readonly Float32Array[],
  rows: number,
  cols: number,
  C: number,
  H: number,
  W: number,
): Float32Array {
  checkGridShape('spliceGrid', rows, cols, C, H, W);
  const k = rows * cols;
  if (frames.length !== k)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `spliceGrid: frames: expected ${k} (${rows}x${cols}), got ${frames.length}`,
      {
        input: 'frames',
      },
    );
  const frameLen = C * H * W;
  frames.forEach((f, t) => {
    if (f.length !== frameLen)
      throw modelError(
        'MODEL_ERR_BAD_INPUT',
        `spliceGrid: frame ${t}: expected ${frameLen} values (${C}x${H}x${W}), got ${f.length}`,
        { input: 'frames', frame: t },
      );
  });
  const GW = W * cols;
  const out = new Float32Array(C * H * rows * GW);
  for (let t = 0; t < k; t++) {
    const i = Math.floor(t / cols);
    const j = t % cols;
    const f = frames[t];
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++) {
        const src = (c * H + y) * W;
        const dst = (c * H * rows + i * H + y) * GW + j * W;
        out.set(f.subarray(src, src + W), dst);
      }
  }
  return out;
}
