import type { NaturalDataset } from 'dcmjs';
import { dicomDateTime } from '../write/dcmjsCodec.js';
import type { CapsuleFrameRecord } from './CapsuleFrames.js';
import type { InstancePlan } from './planCapsuleInstances.js';
import type { VideoInfo } from './VideoInfo.js';
import { RGB_SWS_FLAGS } from './decodeVideoFrames.js';

/** Video Endoscopic Image Storage (PS3.4 B.5), IOD PS3.3 A.32.5: multi-frame, with the Cine module. */
export const VIDEO_ENDOSCOPIC_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.77.1.1.1';

/** FrameTime (0018,1063): the attribute FrameIncrementPointer names. */
const FRAME_TIME_TAG = 0x00181063;

/** PS3.3 C.7.6.1.1.5.1 defined terms for Lossy Image Compression Method, by ffprobe codec_name (ISO_14496_2 is an extension: DICOM has no MPEG-4 Part 2 syntax). */
const LOSSY_METHOD_BY_CODEC: Readonly<Record<string, string>> = {
  mpeg4: 'ISO_14496_2',
  h264: 'ISO_14496_10',
  hevc: 'ISO_23008_2',
  mpeg2video: 'ISO_13818_2',
  mjpeg: 'ISO_10918_1',
};

/** JPEG (ISO/IEC 10918-1): how Kvasir-Capsule stores its frames before the MP4 re-encode. */
const KVASIR_SOURCE_METHOD = 'ISO_10918_1';

/** What an instance needs besides its plan and pixels: identity, numbering, source facts. */
export interface CapsuleDicomContext {
  readonly video: VideoInfo;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid: string;
  readonly seriesNumber: number;
  readonly instanceNumber: number;
  readonly patientId: string;
  readonly patientName: string;
  /** sha256 (hex) of the MP4 file, recorded in DerivationDescription. */
  readonly sourceSha256?: string;
  /**
   * When the pixel data was made (this import): ContentDate/Time (required by the VL Image module for
   * temporally related images) and InstanceCreationDate/Time. The capture date is unknown and not invented.
   */
  readonly createdAt: Date;
  /** Frames of the instance the cut detector found repeating their predecessor (detected runs only). */
  readonly repeats?: number;
}

/**
 * The naturalized data set of one Video Endoscopic Image instance (PS3.3 A.32.5), all attributes but Pixel
 * Data. Modules: Patient, General Study, General Series, General Equipment, General Image, Cine, Multi-frame,
 * Image Pixel, Acquisition Context, VL Image, SOP Common. Provenance (clip, run, chunk, MP4 and Kvasir-Capsule
 * frame numbers, labels) goes to SeriesDescription, ImageComments and DerivationDescription. Pure.
 * @param plan - the chunk of one run the instance holds
 * @param ctx - UIDs, numbering, patient pseudonym, probed video facts
 */
export function capsuleDataset(plan: InstancePlan, ctx: CapsuleDicomContext): NaturalDataset {
  const { video } = ctx;
  const stem = plan.clip.replace(/\.[^.]*$/, '');
  const container = (/\.([^.]+)$/.exec(plan.clip)?.[1] ?? 'video').toUpperCase();
  const frameTimeMs = (1000 * video.frameRate.denominator) / video.frameRate.numerator;
  const mpegMethod = LOSSY_METHOD_BY_CODEC[video.codec];
  const created = dicomDateTime(ctx.createdAt);
  // eslint-disable-next-line no-control-regex -- testing for bytes outside 7-bit ASCII
  const unicode = /[^\x00-\x7f]/.test(`${plan.clip}${ctx.patientId}${ctx.patientName}`);
  return {
    // SOP Common (C.12.1); dcmjs writes text as UTF-8, declared only when a value needs it.
    ...(unicode ? { SpecificCharacterSet: 'ISO_IR 192' } : {}),
    SOPClassUID: VIDEO_ENDOSCOPIC_IMAGE_STORAGE,
    SOPInstanceUID: ctx.sopInstanceUid,
    InstanceCreationDate: created.date,
    InstanceCreationTime: created.time,
    // Patient (C.7.1.1): a pseudonym; the source data set is public and de-identified by its provider.
    PatientName: ctx.patientName,
    PatientID: ctx.patientId,
    PatientBirthDate: '',
    PatientSex: '',
    PatientIdentityRemoved: 'YES',
    DeidentificationMethod: plan.detected
      ? 'Pseudonymous ID on import from a video file'
      : 'Kvasir-Capsule public data; pseudonymous ID on import', // LO: 64 chars max
    // General Study (C.7.2.1): dates are unknown (type 2, empty), not invented.
    StudyInstanceUID: ctx.studyInstanceUid,
    StudyDate: '',
    StudyTime: '',
    ReferringPhysicianName: '',
    StudyID: stem.slice(0, 16),
    AccessionNumber: '',
    StudyDescription: plan.detected
      ? 'Capsule endoscopy video (research import)'
      : 'Kvasir-Capsule small-bowel capsule endoscopy (research import)',
    // General Series (C.7.3.1)
    Modality: 'ES',
    SeriesInstanceUID: ctx.seriesInstanceUid,
    SeriesNumber: ctx.seriesNumber,
    SeriesDescription: (plan.detected
      ? `Capsule ${stem} ${formatNumber(video.fps)} fps ${container}`
      : `Kvasir-Capsule ${stem} ${formatNumber(video.fps)} fps MP4`
    ).slice(0, 64),
    // PS3.16 Annex L term for SCT 30315005; with it set, Laterality (2C, paired parts only) is left out.
    BodyPartExamined: 'SMALLINTESTINE',
    // General Equipment (C.7.5.1): the capsule system is not stated by the source.
    Manufacturer: '',
    // General Image (C.7.6.1)
    InstanceNumber: ctx.instanceNumber,
    PatientOrientation: '',
    ContentDate: created.date,
    ContentTime: created.time,
    ImageType: ['DERIVED', 'PRIMARY'],
    ImageComments: limit(
      plan.detected ? detectedComments(plan, video, ctx.repeats ?? 0) : imageComments(plan, video),
      10240,
    ),
    DerivationDescription: limit(derivationDescription(plan, video, ctx.sourceSha256), 1024),
    // Cine (C.7.6.5): the MP4's rate, chosen by the uploader, not the capsule's capture rate.
    FrameTime: formatNumber(frameTimeMs),
    CineRate: Math.round(video.fps),
    RecommendedDisplayFrameRate: Math.round(video.fps),
    // Multi-frame (C.7.6.6)
    NumberOfFrames: plan.frameCount,
    FrameIncrementPointer: FRAME_TIME_TAG,
    // Image Pixel (C.7.6.3) and VL Image (C.8.12.1)
    SamplesPerPixel: 3,
    PhotometricInterpretation: 'RGB',
    PlanarConfiguration: 0,
    Rows: video.height,
    Columns: video.width,
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    LossyImageCompression: '01',
    LossyImageCompressionMethod: lossyMethods(plan, mpegMethod),
    // Small-bowel capsule endoscopy; runs at the pylorus and ileocecal valve lie at the region's borders.
    AnatomicRegionSequence: [{ CodeValue: '30315005', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Small intestine' }],
    // Acquisition Context (C.7.6.14): nothing is known about the acquisition context.
    AcquisitionContextSequence: [],
    // Pixel Data (7FE0,0010) OB is appended by capsuleToDicom: the last element, frames written in place.
  };
}

/** Kvasir frames were JPEG before the video; for any other clip only the video's own coding is known. */
function lossyMethods(plan: InstancePlan, mpegMethod: string | undefined): string[] {
  if (plan.detected) return mpegMethod ? [mpegMethod] : [];
  return mpegMethod ? [KVASIR_SOURCE_METHOD, mpegMethod] : [KVASIR_SOURCE_METHOD];
}

function detectedComments(plan: InstancePlan, video: VideoInfo, repeats: number): string {
  const first = plan.frames[0].mp4FrameIndex;
  const last = plan.frames[plan.frames.length - 1].mp4FrameIndex;
  const chunk = plan.chunkCount > 1 ? `, chunk ${plan.chunkIndex + 1} of ${plan.chunkCount}` : '';
  const cut = plan.runTruncated ? ' (run cut short by an import limit)' : '';
  return [
    `Capsule video ${plan.clip}, run ${plan.runId} (${plan.runLength} frames)${chunk}${cut}.`,
    `Video frames ${first}-${last} (0-based). Run boundaries detected from frame statistics (no frame table): scene cuts end a run, so a run holds one continuous scene; capsule frame numbers and labels are unknown.`,
    `Frames repeating their predecessor: ${repeats}.`,
    `Frame time ${formatNumber((1000 * video.frameRate.denominator) / video.frameRate.numerator)} ms is the video's ${formatNumber(video.fps)} fps, not necessarily the capsule capture rate.`,
  ].join('\n');
}

function imageComments(plan: InstancePlan, video: VideoInfo): string {
  const first = plan.frames[0];
  const last = plan.frames[plan.frames.length - 1];
  const chunk = plan.chunkCount > 1 ? `, chunk ${plan.chunkIndex + 1} of ${plan.chunkCount}` : '';
  const cut = plan.runTruncated ? ' (run cut short by an import limit)' : '';
  const splits = [...new Set(plan.frames.map((f) => f.officialSplit))].join(', ');
  return [
    `Kvasir-Capsule clip ${plan.clip}, run ${plan.runId} (${plan.runLength} frames)${chunk}${cut}.`,
    `MP4 frames ${first.mp4FrameIndex}-${last.mp4FrameIndex}; Kvasir-Capsule frames ${first.kvasirFrameNumber}-${last.kvasirFrameNumber} (consecutive capsule frames, frame i of this instance = Kvasir-Capsule frame ${first.kvasirFrameNumber} + i).`,
    `Labels by Kvasir-Capsule frame: ${labelRanges(plan.frames)}. Official split: ${splits}.`,
    `Frame time ${formatNumber((1000 * video.frameRate.denominator) / video.frameRate.numerator)} ms is the MP4's ${formatNumber(video.fps)} fps, chosen by the uploader, not the capsule capture rate.`,
  ].join('\n');
}

function derivationDescription(plan: InstancePlan, video: VideoInfo, sha256: string | undefined): string {
  const hash = sha256 ? ` (sha256 ${sha256})` : '';
  return (
    `Frames decoded to RGB24 by ffmpeg (swscale ${RGB_SWS_FLAGS}) from ${plan.clip}${hash}, ` +
    `${video.codecLongName || video.codec} ${video.pixelFormat} ${video.width}x${video.height} at ${video.frameRate.numerator}/${video.frameRate.denominator} fps: ` +
    (plan.detected
      ? `run boundaries detected from frame statistics (detectCuts).`
      : `an MP4 re-encode of Kvasir-Capsule JPEG frames (lossy twice). MP4-to-capsule frame mapping from FRAMES.tsv.`)
  );
}

/** "Normal 5432-5470, Ulcer 5471-5483": runs of equal labels over Kvasir-Capsule frame numbers. */
export function labelRanges(frames: readonly CapsuleFrameRecord[]): string {
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i <= frames.length; i++) {
    if (i === frames.length || frames[i].label !== frames[start].label) {
      const a = frames[start].kvasirFrameNumber;
      const b = frames[i - 1].kvasirFrameNumber;
      parts.push(`${frames[start].label} ${a === b ? a : `${a}-${b}`}`);
      start = i;
    }
  }
  return parts.join(', ');
}

/** A DS-friendly number: integers as is, else at most 6 decimals without trailing zeros (16 chars max). */
function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6)));
}

function limit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
