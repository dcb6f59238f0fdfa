/** The slices of one CT series, read on demand: what the noise measurements need and nothing more. */
export interface CtSliceSource {
  /** Series label for messages (folder, UID). */
  readonly label: string;
  readonly count: number;
  readonly width: number;
  readonly height: number;
  /** In-plane pixel spacing, mm (square pixels). */
  readonly pixelSizeMm: number;
  /** SliceThickness (0018,0050), mm, when stated. */
  readonly sliceThicknessMm?: number;
  /** Distance between consecutive slice positions, mm, when the series is evenly spaced. */
  readonly sliceSpacingMm?: number;
  /** Slice i in HU, row-major. */
  frame(i: number): Promise<Float32Array>;
}
