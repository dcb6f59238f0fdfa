import { modelError } from '../errors.js';
import { checkGridShape } from './spliceGrid.js';

/**
 * The inverse of `spliceGrid`: cuts a [C, H·rows, W·cols] grid back into rows·cols frames [C, H, W], frame
 * t = i·cols + j taken from cell (i, j).
 * @param grid - [C, H·rows, W·cols] row-major
 * @param rows - n, grid rows
 * @param cols - m, grid columns
 * @param C - channels
 * @param H - frame height
 * @param W - frame width
 * @returns rows·cols new frames, each [C, H, W]
 * @throws MODEL_ERR_BAD_OPTION for a non-positive size
 * @throws MODEL_ERR_BAD_INPUT when the grid's length is not C·H·rows·W·cols
 * @example const frames = unspliceGrid(decodedGrid, 3, 3, 3, 32, 32); // 9 frames
 */
export function unspliceGrid(
  grid: Float32Array,
  rows: number,
  cols: number,
  C: number,
  H: number,
  W: number,
): Float32Array[] {
  checkGridShape('unspliceGrid', rows, cols, C, H, W);
  const GW = W * cols;
  const expected = C * H * rows * GW;
  if (grid.length !== expected)
    throw modelError(
      'MODEL_ERR_BAD_INPUT',
      `unspliceGrid: grid: expected ${expected} values (${C}x${H * rows}x${GW}), got ${grid.length}`,
      { input: 'grid' },
    );
  const frames: Float32Array[] = [];
  for (let t = 0; t < rows * cols; t++) {
    const i = Math.floor(t / cols);
    const j = t % cols;
    const f = new Float32Array(C * H * W);
    for (let c = 0; c < C; c++)
      for (let y = 0; y < H; y++) {
        const src = (c * H * rows + i * H + y) * GW + j * W;
        f.set(grid.subarray(src, src + W), (c * H + y) * W);
      }
    frames.push(f);
  }
  return frames;
}
