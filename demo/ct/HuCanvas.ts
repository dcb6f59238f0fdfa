/**
 * A square HU image being painted, with its physical frame: pixel (row i, column j) has its centre at
 * x = (j - (N-1)/2)·pixelMm (patient left is +x, image right), y = (i - (N-1)/2)·pixelMm (posterior is +y, image
 * down). Same convention as validation/lowdose's ParallelBeamGeometry.
 */
export interface HuCanvas {
  readonly size: number;
  readonly pixelMm: number;
  /** Row-major HU values, length size². */
  readonly data: Float32Array;
}

/** HU of a painted shape: a constant or a function of the position (x, y) in mm. */
export type HuValue = number | ((x: number, y: number) => number);

/** Coverage bookkeeping of one paint call; all arrays have the canvas length. */
export interface PaintOptions {
  /** Multiplies the coverage (e.g. vessels only inside lung). */
  readonly mask?: Float32Array;
  /** Receives the union of coverages: m ← m + α·(1 - m). */
  readonly record?: Float32Array;
  /** Loses the painted coverage: m ← m·(1 - α) (e.g. the heart erases lung). */
  readonly erase?: Float32Array;
}
