import { EXTENT_MM } from './anatomy.js';

/**
 * Acquisition-like geometry of the synthetic CT phantom. In-plane: a 358.4 mm field of view, so 0.7 mm pixels at
 * the default 512 x 512 (pixel spacing = fieldOfViewMm / size in general). Along z: slices are the centres of
 * equal slabs tiling EXTENT_MM, so slice spacing = extentMm / sliceCount (5 mm at the default 48 slices); each
 * slice is rendered at its centre plane with a 5 mm slab used for the vertebral partial volume.
 */
export const CT_PHANTOM_GEOMETRY = Object.freeze({
  fieldOfViewMm: 358.4,
  defaultSize: 512,
  pixelSpacingMm: 0.7,
  defaultSliceCount: 48,
  extentMm: EXTENT_MM,
  sliceThicknessMm: 5,
  sliceSpacingMm: 5,
});

/** Pixel spacing in mm of a phantom slice rendered at `size` x `size`: fieldOfViewMm / size. */
export function ctPhantomPixelSpacingMm(size: number): number {
  return CT_PHANTOM_GEOMETRY.fieldOfViewMm / size;
}

/** Slice spacing in mm when the phantom is cut into `sliceCount` slices: extentMm / sliceCount. */
export function ctPhantomSliceSpacingMm(sliceCount: number): number {
  return CT_PHANTOM_GEOMETRY.extentMm / sliceCount;
}

/** Axial position (mm from the top of the phantom) of slice `zIndex`: (zIndex + 1/2)·extentMm / sliceCount. */
export function ctPhantomSlicePositionMm(zIndex: number, sliceCount: number): number {
  return ((zIndex + 0.5) * CT_PHANTOM_GEOMETRY.extentMm) / sliceCount;
}
