import { Enums, metaData, utilities, type Types } from '@cornerstonejs/core';

/** Pixels and display defaults of an image made in the browser (streamed frames, differences). */
export interface ScalarImageSpec {
  readonly imageId: string;
  readonly rows: number;
  readonly columns: number;
  /** Float32 values in their unit (HU), or interleaved RGB bytes. */
  readonly pixels: Float32Array | Uint8Array;
  readonly samplesPerPixel: 1 | 3;
  readonly windowCenter?: number;
  readonly windowWidth?: number;
  /** An image with the same geometry, whose imagePlaneModule gives pixel spacing (the source slice). */
  readonly geometryOf?: string;
}

/**
 * A Cornerstone image over values already in their unit (slope 1, intercept 0), the way core's
 * `createAndCacheLocalImage` builds one, but returned to an image loader instead of put in the cache directly.
 */
export function createScalarImage(spec: ScalarImageSpec): Types.IImage {
  const { imageId, rows, columns, pixels, samplesPerPixel } = spec;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) min = max = 0;
  const plane = spec.geometryOf
    ? (metaData.get(Enums.MetadataModules.IMAGE_PLANE, spec.geometryOf) as Partial<Types.ImagePlaneModule> | undefined)
    : undefined;
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({
    width: columns,
    height: rows,
    numberOfComponents: samplesPerPixel,
    scalarData: pixels,
    id: imageId,
  });
  const color = samplesPerPixel === 3;
  return {
    imageId,
    minPixelValue: min,
    maxPixelValue: max,
    slope: 1,
    intercept: 0,
    windowCenter: spec.windowCenter ?? (min + max) / 2,
    windowWidth: spec.windowWidth ?? Math.max(1, max - min),
    voiLUTFunction: Enums.VOILUTFunctionType.LINEAR,
    getPixelData: () => voxelManager.getScalarData() as Types.PixelDataTypedArray,
    getCanvas: () => {
      throw new Error(`createScalarImage: ${imageId}: expected GPU rendering, got a request for a CPU canvas`);
    },
    rows,
    columns,
    height: rows,
    width: columns,
    color,
    rgba: false,
    numberOfComponents: samplesPerPixel,
    columnPixelSpacing: plane?.columnPixelSpacing ?? 1,
    rowPixelSpacing: plane?.rowPixelSpacing ?? 1,
    invert: false,
    photometricInterpretation: color ? 'RGB' : 'MONOCHROME2',
    sizeInBytes: pixels.byteLength,
    dataType: color ? 'Uint8Array' : 'Float32Array',
    voxelManager,
  };
}

/**
 * Metadata modules for an image made in the browser: geometry from `geometryOf` (so spatial tools and position
 * based sync treat it like its source slice), pixel description from the spec.
 */
export function scalarImageMetadata(
  type: string,
  spec: Pick<ScalarImageSpec, 'rows' | 'columns' | 'samplesPerPixel' | 'geometryOf' | 'windowCenter' | 'windowWidth'>,
  seriesInstanceUid: string,
): unknown {
  const color = spec.samplesPerPixel === 3;
  switch (type) {
    case Enums.MetadataModules.IMAGE_PLANE: {
      const plane = spec.geometryOf
        ? (metaData.get(Enums.MetadataModules.IMAGE_PLANE, spec.geometryOf) as Record<string, unknown> | undefined)
        : undefined;
      return { ...(plane ?? {}), rows: spec.rows, columns: spec.columns };
    }
    case Enums.MetadataModules.IMAGE_PIXEL:
      return {
        samplesPerPixel: spec.samplesPerPixel,
        photometricInterpretation: color ? 'RGB' : 'MONOCHROME2',
        rows: spec.rows,
        columns: spec.columns,
        bitsAllocated: color ? 8 : 32,
        bitsStored: color ? 8 : 32,
        highBit: color ? 7 : 31,
        pixelRepresentation: color ? 0 : 1,
      };
    case Enums.MetadataModules.GENERAL_SERIES: {
      const source = spec.geometryOf
        ? (metaData.get(Enums.MetadataModules.GENERAL_SERIES, spec.geometryOf) as { modality?: string } | undefined)
        : undefined;
      return { modality: source?.modality ?? (color ? 'XC' : 'CT'), seriesInstanceUID: seriesInstanceUid };
    }
    case Enums.MetadataModules.MODALITY_LUT:
      return { rescaleSlope: 1, rescaleIntercept: 0 };
    case Enums.MetadataModules.VOI_LUT:
      return spec.windowCenter !== undefined && spec.windowWidth !== undefined
        ? { windowCenter: [spec.windowCenter], windowWidth: [spec.windowWidth] }
        : undefined;
    default:
      return undefined;
  }
}
