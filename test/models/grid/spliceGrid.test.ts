import { spliceGrid, unspliceGrid } from '../../../models/grid/index.js';
import { rand, thrownCode } from '../testUtils.js';

const SHAPES: [number, number][] = [
  [1, 1],
  [2, 3],
  [3, 2],
  [3, 3],
  [4, 4],
];
const C = 3;
const H = 4;
const W = 5;

describe('spliceGrid / unspliceGrid', () => {
  it.each(SHAPES)('%i x %i: cell (i, j) holds frame t = i*cols + j', (rows, cols) => {
    const k = rows * cols;
    const frames = Array.from({ length: k }, (_, t) => new Float32Array(C * H * W).fill(t));
    const grid = spliceGrid(frames, rows, cols, C, H, W);
    const GH = H * rows;
    const GW = W * cols;
    expect(grid).toHaveLength(C * GH * GW);
    for (let c = 0; c < C; c++)
      for (let y = 0; y < GH; y++)
        for (let x = 0; x < GW; x++) {
          const v = grid[(c * GH + y) * GW + x];
          if (v !== Math.floor(y / H) * cols + Math.floor(x / W)) throw new Error(`(${c},${y},${x}) holds ${v}`);
        }
    // the paper's 1-based t = i·m + j + 1 for cell (i, j) = (rows − 1, cols − 1) is k
    expect(grid[GH * GW - 1] + 1).toBe(k);
  });

  it.each(SHAPES)('%i x %i: pixel positions inside a cell are kept', (rows, cols) => {
    const k = rows * cols;
    // value encodes (t, c, y, x)
    const frames = Array.from({ length: k }, (_, t) =>
      Float32Array.from({ length: C * H * W }, (_, i) => t * 1000 + i),
    );
    const grid = spliceGrid(frames, rows, cols, C, H, W);
    const GH = H * rows;
    const GW = W * cols;
    for (let t = 0; t < k; t++) {
      const i = Math.floor(t / cols);
      const j = t % cols;
      for (let c = 0; c < C; c++)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            expect(grid[(c * GH + i * H + y) * GW + j * W + x]).toBe(t * 1000 + (c * H + y) * W + x);
    }
  });

  it.each(SHAPES)('%i x %i: unsplice(splice(frames)) === frames and splice(unsplice(grid)) === grid', (rows, cols) => {
    const r = rand(rows * 31 + cols);
    const k = rows * cols;
    const frames = Array.from({ length: k }, () => Float32Array.from({ length: C * H * W }, () => r() * 2 - 1));
    const back = unspliceGrid(spliceGrid(frames, rows, cols, C, H, W), rows, cols, C, H, W);
    expect(back).toHaveLength(k);
    back.forEach((f, t) => expect(f).toEqual(frames[t]));
    const grid = Float32Array.from({ length: C * H * rows * W * cols }, () => r());
    expect(spliceGrid(unspliceGrid(grid, rows, cols, C, H, W), rows, cols, C, H, W)).toEqual(grid);
  });

  it('works with one channel and 1-pixel frames', () => {
    const frames = [0, 1, 2, 3, 4, 5].map((v) => Float32Array.of(v));
    expect(Array.from(spliceGrid(frames, 2, 3, 1, 1, 1))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(spliceGrid(frames, 3, 2, 1, 1, 1))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses a wrong frame count, frame length, grid length or size', () => {
    const f = (): Float32Array => new Float32Array(C * H * W);
    expect(() => spliceGrid([f(), f()], 1, 3, C, H, W)).toThrow(/^spliceGrid: frames: expected 3 \(1x3\), got 2/);
    expect(() => spliceGrid([f(), new Float32Array(2)], 1, 2, C, H, W)).toThrow(/frame 1: expected 60 values/);
    expect(() => unspliceGrid(new Float32Array(10), 2, 2, C, H, W)).toThrow(/^unspliceGrid: grid: expected 240/);
    expect(() => spliceGrid([], 0, 3, C, H, W)).toThrow(/rows: expected an integer >= 1, got 0/);
    expect(thrownCode(() => unspliceGrid(new Float32Array(1), 1, 1, 1, 1.5, 1))).toBe('MODEL_ERR_BAD_OPTION');
    expect(thrownCode(() => spliceGrid([f()], 1, 1, C, H, W + 1))).toBe('MODEL_ERR_BAD_INPUT');
  });
});
