import type { NaturalDataset } from 'dcmjs';
import type { DicomInstance } from '../dicom/DicomInstance.js';
import { transferSyntaxInfo } from '../dicom/transferSyntax.js';
import { pacsError } from '../errors.js';
import { dicomDateTime, encodePart10, newUid, readNaturalDataset } from './dcmjsCodec.js';
import {
  DERIVATION_CODES,
  PROCESSING_EQUIPMENT,
  SOURCE_IMAGE_PURPOSE,
  type DerivationInfo,
  type DerivedSeriesSpec,
} from './DerivationInfo.js';
import { storedFromModality } from './storedFromModality.js';
import { strengthText } from './strengthText.js';

/** Restored pixels for every frame of one source instance. */
export type RestoredFrames =
  | { readonly kind: 'modality'; readonly frames: readonly Float32Array[] }
  | { readonly kind: 'rgb'; readonly frames: readonly Uint8Array[] };

export interface DerivedInstance {
  readonly bytes: Uint8Array;
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid: string;
  /** Pixels clamped to the BitsStored range when mapped back through the source rescale. */
  readonly clippedPixels: number;
}

/** Attributes that describe the source's pixels or bytes and would be false of the derived ones. */
const DROP = [
  'PixelData',
  'FloatPixelData',
  'DoubleFloatPixelData',
  'IconImageSequence',
  'SmallestImagePixelValue',
  'LargestImagePixelValue',
  'SmallestPixelValueInSeries',
  'LargestPixelValueInSeries',
  'DataSetTrailingPadding',
  'DigitalSignaturesSequence',
  'MACParametersSequence',
  'SourceImageSequence',
  'DerivationCodeSequence',
  'DerivationDescription',
  'ImageComments',
  '_meta',
] as const;

/** Type 2 attributes of the Patient and General Study modules some sources omit; present-but-empty is valid. */
const TYPE2_EMPTY = [
  'PatientName',
  'PatientID',
  'PatientBirthDate',
  'PatientSex',
  'StudyDate',
  'StudyTime',
  'ReferringPhysicianName',
  'StudyID',
  'AccessionNumber',
] as const;

/** Paired structures among CID 4031 body parts (those for which Laterality applies). */
const PAIRED_BODY_PARTS = new Set([
  'BREAST',
  'KIDNEY',
  'LUNG',
  'EYE',
  'EAR',
  'CLAVICLE',
  'SHOULDER',
  'ARM',
  'ELBOW',
  'FOREARM',
  'WRIST',
  'HAND',
  'FINGER',
  'HIP',
  'THIGH',
  'FEMUR',
  'KNEE',
  'LEG',
  'ANKLE',
  'FOOT',
  'TOE',
  'EXTREMITY',
  'UPR EXTREMITY',
  'LWR EXTREMITY',
  'OVARY',
  'TESTIS',
  'ADRENAL',
  'ORBIT',
  'TMJ',
  'SCAPULA',
  'HUMERUS',
  'TIBIA',
  'FIBULA',
  'PATELLA',
  'CALCANEUS',
]);

const LOSSY_METHOD: Record<string, string> = {
  'jpeg-baseline': 'ISO_10918_1',
  'jpeg-extended': 'ISO_10918_1',
  'jpeg-ls': 'ISO_14495_1',
  jpeg2000: 'ISO_15444_1',
  htj2k: 'ISO_15444_15',
  mpeg2: 'ISO_13818_2',
  h264: 'ISO_14496_10',
  hevc: 'ISO_23008_2',
};

/**
 * Writes one instance of a derived series (dcmjs): the source's patient/study/frame-of-reference context kept,
 * new Series/SOP Instance UIDs, ImageType DERIVED\SECONDARY, DerivationDescription + Derivation Code Sequence,
 * Source Image Sequence (121322), Contributing Equipment (109102), restored pixels stored back through the
 * source rescale in Explicit VR Little Endian. The source bytes are only read.
 * @throws PACS_ERR_WRITE when the restored frames do not match the source's frame count or size
 */
export function writeDerivedInstance(
  source: DicomInstance,
  restored: RestoredFrames,
  derivation: DerivationInfo,
  series: DerivedSeriesSpec,
): DerivedInstance {
  const h = source.header;
  const file = source.file;
  const pixelsPerFrame = h.rows * h.columns;
  if (restored.frames.length !== h.numberOfFrames) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `restored ${restored.frames.length} frame(s): expected NumberOfFrames ${h.numberOfFrames}`,
      {
        file,
        tag: '00280008',
      },
    );
  }
  const expectRgb = h.samplesPerPixel === 3;
  if (expectRgb !== (restored.kind === 'rgb')) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `restored pixels are ${restored.kind}: expected ${expectRgb ? 'rgb' : 'modality'} for SamplesPerPixel ${h.samplesPerPixel}`,
      {
        file,
        tag: '00280002',
      },
    );
  }
  const perFrame = pixelsPerFrame * (expectRgb ? 3 : 1);
  restored.frames.forEach((f, i) => {
    if (f.length !== perFrame) {
      throw pacsError(
        'PACS_ERR_WRITE',
        `restored frame ${i} holds ${f.length} values: expected ${perFrame} (${h.columns}x${h.rows}x${h.samplesPerPixel})`,
        {
          file,
          frame: i,
        },
      );
    }
  });

  const ds: NaturalDataset = readNaturalDataset(source.bytes, file);
  for (const k of DROP) delete ds[k];
  repairInheritedConformance(ds);
  const vrMap: Record<string, string> = { ...(ds._vrMap ?? {}) };
  delete vrMap.PixelData;

  const { date, time } = dicomDateTime(series.createdAt);
  const sopInstanceUid = newUid();
  const sourceImageType = toStrings(ds.ImageType);
  const imageType = ['DERIVED', 'SECONDARY', ...sourceImageType.slice(2)];
  // CT Image Module: value 3 is AXIAL or LOCALIZER (C.8.2.1.1.1).
  if (h.modality === 'CT' && imageType.length < 3) imageType.push('AXIAL');
  ds.ImageType = imageType;
  ds.SOPInstanceUID = sopInstanceUid;
  ds.SeriesInstanceUID = series.seriesInstanceUid;
  ds.SeriesNumber = series.seriesNumber;
  ds.SeriesDescription = series.seriesDescription;
  ds.SeriesDate = date;
  ds.SeriesTime = time;
  ds.InstanceCreationDate = date;
  ds.InstanceCreationTime = time;
  ds.ContentDate = date;
  ds.ContentTime = time;
  ds.DerivationDescription = derivationText(derivation).slice(0, 1024);
  ds.DerivationCodeSequence = [{ ...DERIVATION_CODES[derivation.task] }];
  ds.SourceImageSequence = [
    {
      ReferencedSOPClassUID: h.sopClassUid,
      ReferencedSOPInstanceUID: h.sopInstanceUid,
      PurposeOfReferenceCodeSequence: [{ ...SOURCE_IMAGE_PURPOSE }],
    },
  ];
  const equipment = Array.isArray(ds.ContributingEquipmentSequence)
    ? [...(ds.ContributingEquipmentSequence as object[])]
    : [];
  equipment.push({
    Manufacturer: 'GSDiff Workstation',
    ManufacturerModelName: 'gsdiff',
    SoftwareVersions: derivation.softwareVersion,
    ContributionDateTime: `${date}${time}`,
    ContributionDescription: `${derivation.task} with ${derivation.packName}`.slice(0, 64),
    PurposeOfReferenceCodeSequence: [{ ...PROCESSING_EQUIPMENT }],
  });
  ds.ContributingEquipmentSequence = equipment;

  const ts = transferSyntaxInfo(h.transferSyntaxUid);
  if (ts?.lossy || ds.LossyImageCompression === '01') {
    // Once lossy, always flagged (PS3.3 C.7.6.1.1.5), even though we write uncompressed.
    ds.LossyImageCompression = '01';
    const method = ts ? LOSSY_METHOD[ts.encoding] : undefined;
    if (method && ds.LossyImageCompressionMethod === undefined) ds.LossyImageCompressionMethod = method;
  }

  let clippedPixels = 0;
  let pixelBytes: Uint8Array;
  if (restored.kind === 'rgb') {
    ds.PhotometricInterpretation = 'RGB';
    ds.PlanarConfiguration = 0;
    ds.SamplesPerPixel = 3;
    ds.BitsAllocated = 8;
    ds.BitsStored = 8;
    ds.HighBit = 7;
    ds.PixelRepresentation = 0;
    pixelBytes = concat(restored.frames);
    vrMap.PixelData = 'OB';
  } else {
    const parts: Uint8Array[] = [];
    for (const f of restored.frames) {
      const c = storedFromModality(f, h);
      clippedPixels += c.clipped;
      parts.push(new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength));
    }
    pixelBytes = concat(parts);
    ds.HighBit = h.bitsStored - 1;
    vrMap.PixelData = h.bitsAllocated <= 8 ? 'OB' : 'OW';
  }
  // Odd-length values are padded to even length (PS3.5 7.1.1); OB pixel data of odd size needs one pad byte.
  if (pixelBytes.length % 2 === 1) pixelBytes = concat([pixelBytes, new Uint8Array(1)]);
  ds.PixelData = [pixelBytes.buffer.slice(pixelBytes.byteOffset, pixelBytes.byteOffset + pixelBytes.byteLength)];
  ds._vrMap = vrMap;
  const bytes = encodePart10(ds, `${file} (derived ${sopInstanceUid})`);
  return { bytes, sopInstanceUid, seriesInstanceUid: series.seriesInstanceUid, clippedPixels };
}

/**
 * Sources often miss Type 2 / conditional attributes (dciodvfy errors on the originals in ../shared/data).
 * A new instance we sign as ours must conform, so gaps are filled with empty values, or for
 * DeidentificationMethod with a statement that the source gave none; no identifying value is ever invented.
 */
function repairInheritedConformance(ds: NaturalDataset): void {
  for (const k of TYPE2_EMPTY) if (ds[k] === undefined) ds[k] = '';
  // General Series Laterality is 2C: required (may be empty) for paired or unstated body parts, absent otherwise.
  const part = String(ds.BodyPartExamined ?? '').toUpperCase();
  const pairedOrUnknown = part === '' || PAIRED_BODY_PARTS.has(part);
  if (ds.Laterality === undefined && ds.ImageLaterality === undefined && pairedOrUnknown) ds.Laterality = '';
  const removed = String(ds.PatientIdentityRemoved ?? '').toUpperCase() === 'YES';
  const method = ds.DeidentificationMethod;
  const hasMethod = typeof method === 'string' ? method.trim() !== '' : Array.isArray(method) && method.length > 0;
  if (removed && !hasMethod && ds.DeidentificationMethodCodeSequence === undefined) {
    ds.DeidentificationMethod = 'Not stated by the source instance';
  }
}

function derivationText(d: DerivationInfo): string {
  const params = Object.entries(d.parameters)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const version = d.packVersion ? ` v${d.packVersion}` : '';
  const strength = d.strength ? ` ${strengthText(d.strength)};` : '';
  return `${d.method}; task ${d.task}; model pack ${d.packName}${version} sha256:${d.packSha256}; ${params};${strength} gsdiff ${d.softwareVersion}. Review aid, not an original acquisition.`;
}

function toStrings(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return v.split('\\');
  return [];
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
