import type { DataSet } from './parseDataSet.js';
import { pacsError } from '../errors.js';
import type { AcquisitionInfo, ImageHeader } from './ImageHeader.js';

export interface HeaderOptions {
  /**
   * When false, missing Study/Series/SOP UIDs read as '' instead of failing: for decoding codec test files and
   * for `gsdiff info`. Anything that stores or groups instances keeps the default (true).
   */
  requireIdentity?: boolean;
}

type Vec3 = readonly [number, number, number];
type Vec6 = readonly [number, number, number, number, number, number];

/**
 * Reads and checks the image attributes of a parsed instance. Values the pixel decoder relies on are validated
 * here, once, so a bad header fails with the tag named instead of as a garbled decode later.
 * @throws PACS_ERR_MISSING_ATTRIBUTE, PACS_ERR_BAD_ATTRIBUTE, PACS_ERR_NO_PIXEL_DATA
 */
export function readImageHeader(
  ds: DataSet,
  file: string,
  transferSyntaxUid: string,
  options: HeaderOptions = {},
): ImageHeader {
  const requireIdentity = options.requireIdentity ?? true;
  const uid = (tag: string, name: string): string => {
    const v = str(ds, tag);
    if (!v && !requireIdentity) return '';
    if (!v)
      throw pacsError('PACS_ERR_MISSING_ATTRIBUTE', `${name} (${fmt(tag)}) missing: expected a UID`, {
        file,
        tag: bare(tag),
        field: name,
      });
    return v;
  };
  if (!ds.elements.x7fe00010 && !ds.elements.x7fe00008 && !ds.elements.x7fe00009) {
    throw pacsError('PACS_ERR_NO_PIXEL_DATA', 'Pixel Data (7FE0,0010) absent: expected an image instance', {
      file,
      tag: '7FE00010',
      sopClassUid: str(ds, 'x00080016'),
    });
  }
  const rows = requiredUs(ds, 'x00280010', 'Rows', file, 1);
  const columns = requiredUs(ds, 'x00280011', 'Columns', file, 1);
  const samplesPerPixel = optionalUs(ds, 'x00280002') ?? 1;
  if (samplesPerPixel !== 1 && samplesPerPixel !== 3) {
    throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `SamplesPerPixel (0028,0002) is ${samplesPerPixel}: expected 1 or 3`, {
      file,
      tag: '00280002',
    });
  }
  const bitsAllocated = requiredUs(ds, 'x00280100', 'BitsAllocated', file, 1);
  if (![1, 8, 16, 32].includes(bitsAllocated)) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `BitsAllocated (0028,0100) is ${bitsAllocated}: expected 1, 8, 16 or 32`,
      {
        file,
        tag: '00280100',
      },
    );
  }
  const bitsStored = optionalUs(ds, 'x00280101') ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `BitsStored (0028,0101) is ${bitsStored}: expected 1..BitsAllocated (${bitsAllocated})`,
      { file, tag: '00280101' },
    );
  }
  const highBit = optionalUs(ds, 'x00280102') ?? bitsStored - 1;
  const pixelRepresentation = optionalUs(ds, 'x00280103') ?? 0;
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `PixelRepresentation (0028,0103) is ${pixelRepresentation}: expected 0 or 1`,
      {
        file,
        tag: '00280103',
      },
    );
  }
  const photometric = (str(ds, 'x00280004') ?? (samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2')).toUpperCase();
  const numberOfFrames = Math.max(1, Math.trunc(num(ds, 'x00280008') ?? 1));
  if (!Number.isFinite(numberOfFrames) || numberOfFrames > 100000) {
    throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `NumberOfFrames (0028,0008) is ${numberOfFrames}: expected 1..100000`, {
      file,
      tag: '00280008',
    });
  }
  const shared = item(ds, 'x52009229');
  const perFrame = ds.elements.x52009230?.items ?? [];
  const transform = item(shared, 'x00289145') ?? item(perFrame[0]?.dataSet, 'x00289145');
  const slope = num(ds, 'x00281053') ?? num(transform, 'x00281053') ?? 1;
  const intercept = num(ds, 'x00281052') ?? num(transform, 'x00281052') ?? 0;
  if (!Number.isFinite(slope) || slope === 0) {
    throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `RescaleSlope (0028,1053) is ${slope}: expected a non-zero number`, {
      file,
      tag: '00281053',
    });
  }
  const measures = item(shared, 'x00289110') ?? item(perFrame[0]?.dataSet, 'x00289110');
  const orientation =
    vec<Vec6>(ds, 'x00200037', 6) ??
    vec<Vec6>(item(shared, 'x00209116') ?? item(perFrame[0]?.dataSet, 'x00209116'), 'x00200037', 6);
  const framePositions: Vec3[] = [];
  const ipp = vec<Vec3>(ds, 'x00200032', 3);
  if (perFrame.length > 0) {
    for (const f of perFrame) {
      const p = vec<Vec3>(item(f.dataSet, 'x00209113'), 'x00200032', 3);
      if (p) framePositions.push(p);
    }
  }
  if (framePositions.length === 0 && ipp) framePositions.push(ipp);
  const spacing = vec<readonly [number, number]>(ds, 'x00280030', 2) ?? vec(measures, 'x00280030', 2);
  const frameTime = num(ds, 'x00181063') ?? frameTimeFromVector(ds) ?? cineRateMs(ds);
  return {
    file,
    transferSyntaxUid,
    sopClassUid: uid('x00080016', 'SOPClassUID'),
    sopInstanceUid: uid('x00080018', 'SOPInstanceUID'),
    studyInstanceUid: uid('x0020000d', 'StudyInstanceUID'),
    seriesInstanceUid: uid('x0020000e', 'SeriesInstanceUID'),
    frameOfReferenceUid: str(ds, 'x00200052'),
    modality: str(ds, 'x00080060') ?? 'OT',
    seriesNumber: num(ds, 'x00200011'),
    seriesDescription: str(ds, 'x0008103e'),
    instanceNumber: num(ds, 'x00200013'),
    rows,
    columns,
    samplesPerPixel,
    photometricInterpretation: photometric,
    bitsAllocated,
    bitsStored,
    highBit,
    pixelRepresentation: pixelRepresentation as 0 | 1,
    planarConfiguration: (optionalUs(ds, 'x00280006') ?? 0) === 1 ? 1 : 0,
    numberOfFrames,
    rescaleSlope: slope,
    rescaleIntercept: intercept,
    rescaleType: str(ds, 'x00281054'),
    framePositions,
    imageOrientationPatient: orientation,
    pixelSpacing: spacing,
    sliceThickness: num(ds, 'x00180050') ?? num(measures, 'x00180050'),
    gantryDetectorTilt: num(ds, 'x00181120'),
    frameTimeMs: frameTime,
    windowCenter: num(ds, 'x00281050'),
    windowWidth: num(ds, 'x00281051'),
    acquisition: readAcquisition(ds),
  };
}

function readAcquisition(ds: DataSet): AcquisitionInfo {
  return {
    kvp: num(ds, 'x00180060'),
    tubeCurrentMa: num(ds, 'x00181151'),
    exposureMas: num(ds, 'x00181152'),
    ctdiVol: num(ds, 'x00189345'),
    convolutionKernel: str(ds, 'x00181210'),
    manufacturer: str(ds, 'x00080070'),
    bodyPartExamined: str(ds, 'x00180015'),
  };
}

function frameTimeFromVector(ds: DataSet): number | undefined {
  const el = ds.elements.x00181065;
  if (!el) return undefined;
  const v = ds.string('x00181065');
  if (!v) return undefined;
  const parts = v
    .split('\\')
    .map(Number)
    .filter((x) => Number.isFinite(x));
  // The first entry is the offset of frame 1 (usually 0); the rest are increments.
  const increments = parts.slice(1).filter((x) => x > 0);
  if (increments.length === 0) return undefined;
  return increments.reduce((a, b) => a + b, 0) / increments.length;
}

function cineRateMs(ds: DataSet): number | undefined {
  const rate = num(ds, 'x00180040');
  return rate && rate > 0 ? 1000 / rate : undefined;
}

export function str(ds: DataSet | undefined, tag: string): string | undefined {
  if (!ds?.elements[tag]) return undefined;
  try {
    const v = ds.string(tag);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  } catch {
    return undefined;
  }
}

/** Binary floating-point attributes read here; everything else numeric is IS/DS text. */
const BINARY_DOUBLE = new Set(['x00189345']);

/**
 * Numeric value of an IS/DS (text) or FD/FL (binary) attribute. Implicit-VR files carry no VR, so the encoding
 * comes from the tag: reading an IS like "15" as binary would give 13617.
 */
function num(ds: DataSet | undefined, tag: string): number | undefined {
  const el = ds?.elements[tag];
  if (!ds || !el || el.length === 0) return undefined;
  const vr = el.vr ?? (BINARY_DOUBLE.has(tag) ? 'FD' : undefined);
  if (vr === 'FD') return el.length >= 8 ? ds.double(tag) : undefined;
  if (vr === 'FL') return el.length >= 4 ? ds.float(tag) : undefined;
  const s = str(ds, tag);
  if (s === undefined) return undefined;
  const first = Number(s.split('\\')[0]);
  return Number.isFinite(first) ? first : undefined;
}

function vec<T extends readonly number[]>(ds: DataSet | undefined, tag: string, n: number): T | undefined {
  const s = str(ds, tag);
  if (s === undefined) return undefined;
  const parts = s.split('\\').map((x) => Number(x));
  if (parts.length < n || parts.slice(0, n).some((x) => !Number.isFinite(x))) return undefined;
  return parts.slice(0, n) as unknown as T;
}

function item(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

/** US attributes may arrive with VR UN or as implicit; dicom-parser's uint16 reads either. */
function optionalUs(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  if (el.length < 2) return undefined;
  return ds.uint16(tag);
}

function requiredUs(ds: DataSet, tag: string, name: string, file: string, min: number): number {
  const v = optionalUs(ds, tag);
  if (v === undefined) {
    throw pacsError('PACS_ERR_MISSING_ATTRIBUTE', `${name} (${fmt(tag)}) missing: expected US >= ${min}`, {
      file,
      tag: bare(tag),
      field: name,
    });
  }
  if (v < min) {
    throw pacsError('PACS_ERR_BAD_ATTRIBUTE', `${name} (${fmt(tag)}) is ${v}: expected US >= ${min}`, {
      file,
      tag: bare(tag),
      field: name,
    });
  }
  return v;
}

function bare(tag: string): string {
  return tag.slice(1).toUpperCase();
}

function fmt(tag: string): string {
  const t = bare(tag);
  return `${t.slice(0, 4)},${t.slice(4)}`;
}
