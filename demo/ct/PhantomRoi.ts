/** Circular region of interest in a phantom slice, in pixel coordinates of that slice. */
export interface PhantomRoi {
  /** Row of the centre (may be fractional). */
  readonly row: number;
  /** Column of the centre (may be fractional). */
  readonly col: number;
  readonly radiusPx: number;
  /** HU the phantom was painted with there (before any noise). */
  readonly nominalHu: number;
}

/** A low-contrast insert: its ROI plus its design values. */
export interface InsertRoi extends PhantomRoi {
  /** Contrast over the 40 HU background, HU. */
  readonly contrastHu: number;
  readonly diameterMm: number;
}

/** ROIs of one phantom slice; optional entries are absent where the organ is not in the slice. */
export interface CtPhantomRois {
  readonly air: PhantomRoi;
  readonly fat: PhantomRoi;
  /** Paraspinal muscle. */
  readonly muscle: PhantomRoi;
  /** One ROI per lung present, lateral part. */
  readonly lungs: readonly PhantomRoi[];
  readonly liver?: PhantomRoi;
  /** Centre of the vertebral body (nominal HU includes the disc partial volume). */
  readonly vertebra: PhantomRoi;
  /** Descending aorta. */
  readonly aorta?: PhantomRoi;
  /** 40 HU background at the centre of the insert ring, for CNR. */
  readonly insertBackground?: PhantomRoi;
  /** Empty outside the insert z range. */
  readonly inserts: readonly InsertRoi[];
}
