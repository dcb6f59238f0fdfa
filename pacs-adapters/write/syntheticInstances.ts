import type { NaturalDataset } from 'dcmjs';
import { VIDEO_ENDOSCOPIC_IMAGE_STORAGE } from '../capsule/capsuleDataset.js';
import type { AcquisitionInfo } from '../dicom/ImageHeader.js';
import { dicomDateTime, encodePart10 } from './dcmjsCodec.js';
import { storedFromModality } from './storedFromModality.js';
import { videoPixelModules } from './videoModules.js';
import { writeVideoInstance } from './writeVideoInstance.js';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** Identity shared by the instances of one synthetic series. */
export interface SyntheticSeriesContext {
  readonly patientId: string;
  readonly patientName: string;
  readonly studyInstanceUid: string;
  readonly studyId: string;
  readonly studyDescription: string;
  readonly seriesInstanceUid: string;
  readonly seriesNumber: number;
  readonly seriesDescription: string;
  readonly frameOfReferenceUid?: string;
  /** Where the data came from, recorded in ImageComments: a synthetic study must say so in the image itself. */
  readonly provenance: string;
  readonly softwareVersion: string;
  readonly createdAt: Date;
}

export interface CtSliceSpec {
  readonly sopInstanceUid: string;
  readonly instanceNumber: number;
  readonly rows: number;
  readonly columns: number;
  /** Values in HU, row-major. */
  readonly hu: Float32Array;
  readonly position: readonly [number, number, number];
  /** Row spacing, column spacing (mm). */
  readonly pixelSpacing: readonly [number, number];
  readonly sliceThickness: number;
  readonly acquisition: AcquisitionInfo;
}

function commonModules(ctx: SyntheticSeriesContext, sopClassUid: string, sopInstanceUid: string): NaturalDataset {
  const { date, time } = dicomDateTime(ctx.createdAt);
  return {
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    InstanceCreationDate: date,
    InstanceCreationTime: time,
    PatientName: ctx.patientName,
    PatientID: ctx.patientId,
    PatientBirthDate: '',
    PatientSex: 'O',
    StudyInstanceUID: ctx.studyInstanceUid,
    StudyDate: date,
    StudyTime: time,
    ReferringPhysicianName: '',
    StudyID: ctx.studyId.slice(0, 16),
    AccessionNumber: '',
    StudyDescription: ctx.studyDescription.slice(0, 64),
    SeriesInstanceUID: ctx.seriesInstanceUid,
    SeriesNumber: ctx.seriesNumber,
    SeriesDescription: ctx.seriesDescription.slice(0, 64),
    SeriesDate: date,
    SeriesTime: time,
    Manufacturer: 'GSDiff demo generator',
    ManufacturerModelName: 'gsdiff demo-data',
    SoftwareVersions: ctx.softwareVersion,
    ContentDate: date,
    ContentTime: time,
    BurnedInAnnotation: 'NO',
    ImageComments: ctx.provenance.slice(0, 10240),
  };
}

/**
 * One CT Image Storage instance from HU values (signed 16-bit, slope 1, intercept 0), with the geometry and
 * dose attributes a real scanner writes, so the rest of the module treats the demo like a real series.
 */
export function encodeCtSlice(ctx: SyntheticSeriesContext, s: CtSliceSpec): Uint8Array {
  const pixelModule = {
    rescaleSlope: 1,
    rescaleIntercept: 0,
    bitsStored: 16,
    bitsAllocated: 16,
    pixelRepresentation: 1 as const,
  };
  const stored = storedFromModality(s.hu, pixelModule).values;
  const a = s.acquisition;
  const ds: NaturalDataset = {
    ...commonModules(ctx, CT_IMAGE_STORAGE, s.sopInstanceUid),
    Modality: 'CT',
    BodyPartExamined: 'CHEST',
    FrameOfReferenceUID: ctx.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    PatientPosition: 'HFS',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    InstanceNumber: s.instanceNumber,
    AcquisitionNumber: 1,
    ImagePositionPatient: [...s.position],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    SliceLocation: s.position[2],
    PixelSpacing: [...s.pixelSpacing],
    SliceThickness: s.sliceThickness,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: s.rows,
    Columns: s.columns,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    RescaleIntercept: 0,
    RescaleSlope: 1,
    RescaleType: 'HU',
    WindowCenter: 40,
    WindowWidth: 400,
    KVP: a.kvp ?? 120,
    ...(a.tubeCurrentMa !== undefined ? { XRayTubeCurrent: Math.round(a.tubeCurrentMa) } : {}),
    ...(a.exposureMas !== undefined ? { Exposure: Math.round(a.exposureMas) } : {}),
    // CTDIvol means nothing without its reference phantom: 32 cm body (CID 4052).
    ...(a.ctdiVol !== undefined
      ? {
          CTDIvol: a.ctdiVol,
          CTDIPhantomTypeCodeSequence: [
            { CodeValue: '113691', CodingSchemeDesignator: 'DCM', CodeMeaning: 'IEC Body Dosimetry Phantom' },
          ],
        }
      : {}),
    ConvolutionKernel: a.convolutionKernel ?? 'STANDARD',
    PixelData: [stored.buffer.slice(stored.byteOffset, stored.byteOffset + stored.byteLength)],
    _vrMap: { PixelData: 'OW' },
  };
  return encodePart10(ds, `synthetic CT ${s.sopInstanceUid}`);
}

export interface EndoscopySequenceSpec {
  readonly sopInstanceUid: string;
  readonly instanceNumber: number;
  readonly rows: number;
  readonly columns: number;
  /** Interleaved RGB frames, rows x columns x 3 bytes each. */
  readonly frames: readonly Uint8Array[];
  readonly frameTimeMs: number;
}

/** What both endoscopy encoders share: the Video Endoscopic instance, a small-bowel capsule sequence. */
function endoscopyInstanceModules(
  ctx: SyntheticSeriesContext,
  s: { readonly sopInstanceUid: string; readonly instanceNumber: number },
): NaturalDataset {
  return {
    ...commonModules(ctx, VIDEO_ENDOSCOPIC_IMAGE_STORAGE, s.sopInstanceUid),
    Modality: 'ES',
    BodyPartExamined: 'SMALLINTESTINE',
    InstanceNumber: s.instanceNumber,
    PatientOrientation: '',
    ImageType: ['DERIVED', 'PRIMARY'],
  };
}

/** One multi-frame Video Endoscopic Image instance (uncompressed RGB) from synthetic frames. */
export function encodeEndoscopySequence(ctx: SyntheticSeriesContext, s: EndoscopySequenceSpec): Uint8Array {
  const frameBytes = s.rows * s.columns * 3;
  const pixels = new Uint8Array(frameBytes * s.frames.length + ((frameBytes * s.frames.length) % 2));
  s.frames.forEach((f, i) => {
    if (f.length !== frameBytes) throw new Error(`frame ${i} holds ${f.length} bytes: expected ${frameBytes}`);
    pixels.set(f, i * frameBytes);
  });
  const fps = 1000 / s.frameTimeMs;
  const ds: NaturalDataset = {
    ...endoscopyInstanceModules(ctx, s),
    FrameTime: String(Number(s.frameTimeMs.toFixed(6))),
    CineRate: Math.round(fps),
    RecommendedDisplayFrameRate: Math.round(fps),
    NumberOfFrames: s.frames.length,
    FrameIncrementPointer: 0x00181063,
    SamplesPerPixel: 3,
    PhotometricInterpretation: 'RGB',
    PlanarConfiguration: 0,
    Rows: s.rows,
    Columns: s.columns,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    AnatomicRegionSequence: [{ CodeValue: '30315005', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Small intestine' }],
    AcquisitionContextSequence: [],
    PixelData: [pixels.buffer],
    _vrMap: { PixelData: 'OB' },
  };
  return encodePart10(ds, `synthetic endoscopy ${s.sopInstanceUid}`);
}

export interface EndoscopyVideoSpec {
  readonly sopInstanceUid: string;
  readonly instanceNumber: number;
  readonly rows: number;
  readonly columns: number;
  readonly frames: number;
  readonly frameTimeMs: number;
  /** An MPEG-2, H.264 or HEVC syntax; `bitstream` must be in it (encodeVideoStream makes one). */
  readonly transferSyntaxUid: string;
  readonly bitstream: Uint8Array;
  /** Fragmentable syntaxes: fragments of this many bytes (even); default one fragment. */
  readonly fragmentBytes?: number;
  readonly compressionRatio?: number;
  /** Lossy steps before this encoding (e.g. the clip's own MPEG-4 Part 2), kept in LossyImageCompressionMethod. */
  readonly earlierLossyMethods?: readonly string[];
}

/**
 * One Video Endoscopic Image instance (PS3.3 A.32.5) holding an MPEG-2 / H.264 / HEVC stream: the same modules as
 * encodeEndoscopySequence, with the pixel, cine and multi-frame attributes of `videoPixelModules`.
 * @throws PACS_ERR_WRITE (see writeVideoInstance and videoPixelModules)
 */
export function encodeEndoscopyVideo(ctx: SyntheticSeriesContext, s: EndoscopyVideoSpec): Uint8Array {
  const ds: NaturalDataset = {
    ...endoscopyInstanceModules(ctx, s),
    ...videoPixelModules({
      transferSyntaxUid: s.transferSyntaxUid,
      rows: s.rows,
      columns: s.columns,
      frames: s.frames,
      frameTimeMs: s.frameTimeMs,
      compressionRatio: s.compressionRatio,
      earlierLossyMethods: s.earlierLossyMethods,
    }),
    AnatomicRegionSequence: [{ CodeValue: '30315005', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Small intestine' }],
    AcquisitionContextSequence: [],
  };
  return writeVideoInstance({
    dataset: ds,
    transferSyntaxUid: s.transferSyntaxUid,
    bitstream: s.bitstream,
    fragmentBytes: s.fragmentBytes,
    context: `synthetic endoscopy video ${s.sopInstanceUid}`,
  });
}
