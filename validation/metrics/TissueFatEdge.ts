/**
 * One place on a soft-tissue/fat border where {@link edgeRiseDistance} samples its edge profile: the sub-pixel point
 * where the smoothed reference crosses the fat/tissue midpoint, and the unit normal pointing from fat to tissue.
 * Coordinates are pixels (x = column, y = row, pixel centres at integers).
 */
export interface TissueFatEdge {
  /** Index of the slice (image) the edge lies on, into the images handed to {@link edgeRiseDistance}. */
  readonly slice: number;
  readonly x: number;
  readonly y: number;
  /** Unit normal, fat → tissue. */
  readonly nx: number;
  readonly ny: number;
}
