/**
 * A rectangular region of interest in pixel units: columns x .. x + width - 1, rows y .. y + height - 1 of a
 * row-major image (x, y integers >= 0, width, height integers >= 1, fully inside the image).
 */
export interface Roi {
  /** First column (0-based). */
  readonly x: number;
  /** First row (0-based). */
  readonly y: number;
  /** Number of columns. */
  readonly width: number;
  /** Number of rows. */
  readonly height: number;
}
