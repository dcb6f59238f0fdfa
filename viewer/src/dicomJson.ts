import type { DicomJsonDataset } from '../../wire/index.js';

/** DICOM tags the viewer reads, by keyword. */
export const TAG = Object.freeze({
  SOPInstanceUID: '00080018',
  Modality: '00080060',
  RecommendedDisplayFrameRate: '00082144',
  CineRate: '00180040',
  FrameTime: '00181063',
  SeriesInstanceUID: '0020000E',
  InstanceNumber: '00200013',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  SliceLocation: '00201041',
  SamplesPerPixel: '00280002',
  NumberOfFrames: '00280008',
  Rows: '00280010',
} as const);

/** The first value of an attribute as a string, or undefined. */
export function stringValue(ds: DicomJsonDataset, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  return v === undefined || v === null ? undefined : String(v);
}

/** The values of an attribute as numbers (DS/IS come as numbers or numeric strings). */
export function numberValues(ds: DicomJsonDataset, tag: string): number[] {
  return (ds[tag]?.Value ?? []).map((v) => Number(v)).filter((n) => Number.isFinite(n));
}

/** The first value of an attribute as a number, or undefined. */
export function numberValue(ds: DicomJsonDataset, tag: string): number | undefined {
  return numberValues(ds, tag)[0];
}

/**
 * Where a slice lies along its normal, in mm: ImagePositionPatient . (row x column cosines), or SliceLocation when
 * the position or orientation is missing; undefined when both are. Sorting by it orders the original and the derived
 * series the same way, and `pairSlices` matches them by it.
 */
export function slicePosition(ds: DicomJsonDataset): number | undefined {
  const p = numberValues(ds, TAG.ImagePositionPatient);
  const o = numberValues(ds, TAG.ImageOrientationPatient);
  if (p.length !== 3 || o.length !== 6) return numberValue(ds, TAG.SliceLocation);
  return positionAlongNormal(p, o);
}

/** A point's coordinate along the normal of an orientation (row cosines x column cosines). */
export function positionAlongNormal(p: readonly number[], o: readonly number[]): number {
  const n = [o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5], o[0] * o[4] - o[1] * o[3]];
  return p[0] * n[0] + p[1] * n[1] + p[2] * n[2];
}
