import type { ImageHeader } from '../dicom/ImageHeader.js';

/** One displayable image of a series: a single-frame instance or one frame of a multi-frame instance. */
export interface SliceRef {
  readonly file: string;
  readonly sopInstanceUid: string;
  readonly frameIndex: number;
  readonly instanceNumber?: number;
  readonly sliceThickness?: number;
  readonly position?: readonly [number, number, number];
  /** Signed distance of the position along the slice normal, in mm. */
  readonly location?: number;
}

export type SeriesIssueKind =
  | 'missing-position'
  | 'mixed-orientation'
  | 'mixed-size'
  | 'duplicate-position'
  | 'gap'
  | 'uneven-spacing'
  | 'gantry-tilt';

export interface SeriesIssue {
  readonly kind: SeriesIssueKind;
  readonly message: string;
  /** Indices into `slices` the issue concerns (first slice of a pair for spacing issues). */
  readonly sliceIndices: readonly number[];
}

/** A run of consecutive slices sharing one step between positions. */
export interface SpacingRun {
  readonly fromSlice: number;
  readonly toSlice: number;
  /** Distance between consecutive positions (mm), as a scanner steps the table. */
  readonly stepMm: number;
  /** The same step projected on the slice normal (mm): the spacing a volume must use. */
  readonly normalSpacingMm: number;
}

export interface SeriesGeometry {
  readonly orientation?: readonly [number, number, number, number, number, number];
  readonly normal?: readonly [number, number, number];
  readonly pixelSpacing?: readonly [number, number];
  /** Angle (degrees) between the slice normal and the direction the slices are stacked along. */
  readonly tiltDeg: number;
  /** GantryDetectorTilt (0018,1120) as the header states it, when present. */
  readonly headerTiltDeg?: number;
  readonly uniform: boolean;
  readonly spacingRuns: readonly SpacingRun[];
}

export type SeriesKind = 'volume' | 'frames' | 'single';

export interface AssembledSeries {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly modality: string;
  readonly seriesDescription?: string;
  readonly seriesNumber?: number;
  /** volume: slices ordered along the normal; frames: a time sequence (cine, capsule); single: one image. */
  readonly kind: SeriesKind;
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly slices: readonly SliceRef[];
  readonly geometry: SeriesGeometry;
  readonly frameTimeMs?: number;
  readonly issues: readonly SeriesIssue[];
  /** Header of the first instance, for the attributes shared by the series. */
  readonly firstHeader: ImageHeader;
}
