/** The attributes the module needs from one image instance, read once and typed. */
export interface ImageHeader {
  readonly file: string;
  readonly transferSyntaxUid: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly frameOfReferenceUid?: string;
  readonly modality: string;
  readonly seriesNumber?: number;
  readonly seriesDescription?: string;
  readonly instanceNumber?: number;
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly photometricInterpretation: string;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  /** 0 unsigned, 1 two's complement. */
  readonly pixelRepresentation: 0 | 1;
  readonly planarConfiguration: 0 | 1;
  readonly numberOfFrames: number;
  readonly rescaleSlope: number;
  readonly rescaleIntercept: number;
  readonly rescaleType?: string;
  /** Per frame for Enhanced multi-frame objects, else one entry (or none when the instance has no position). */
  readonly framePositions: readonly (readonly [number, number, number])[];
  readonly imageOrientationPatient?: readonly [number, number, number, number, number, number];
  /** Row spacing, column spacing in mm. */
  readonly pixelSpacing?: readonly [number, number];
  readonly sliceThickness?: number;
  readonly gantryDetectorTilt?: number;
  /** Milliseconds between frames (0018,1063), or derived from FrameTimeVector / CineRate. */
  readonly frameTimeMs?: number;
  readonly windowCenter?: number;
  readonly windowWidth?: number;
  readonly acquisition: AcquisitionInfo;
}

/** Dose and reconstruction facts used by the degradation prior (see models/). */
export interface AcquisitionInfo {
  readonly kvp?: number;
  readonly tubeCurrentMa?: number;
  readonly exposureMas?: number;
  readonly ctdiVol?: number;
  readonly convolutionKernel?: string;
  readonly manufacturer?: string;
  readonly bodyPartExamined?: string;
}
