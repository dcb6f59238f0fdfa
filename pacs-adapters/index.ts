export { PACS_ERRORS, PacsError, pacsError } from './errors.js';
export type { PacsErrorCode } from './errors.js';
export type { ImageHeader, AcquisitionInfo } from './dicom/ImageHeader.js';
export type { DecodedFrame, GrayFrame, RgbFrame, StoredArray } from './dicom/DecodedFrame.js';
export type { DicomInstance } from './dicom/DicomInstance.js';
export { readInstanceFile, parseInstance } from './dicom/readInstance.js';
// The byte-level parser, for the mutation fuzzer (bench/fuzz), which mutates parsed elements in place.
export { parseDataSet } from './dicom/parseDataSet.js';
export { decodeFrame } from './dicom/decodeFrame.js';
export type { FrameDecodeOptions } from './dicom/decodeFrame.js';
export { decodeVideoInstance } from './dicom/video/decodeVideoInstance.js';
export type { DecodedVideo, VideoDecodeOptions } from './dicom/video/decodeVideoInstance.js';
export { videoDecodeBudgetMs, VIDEO_DECODE_BUDGET } from './dicom/video/videoDecodeBudget.js';
export { modalityValues } from './dicom/modalityValues.js';
export { transferSyntaxInfo, supportedTransferSyntaxes, isVideoEncoding } from './dicom/transferSyntax.js';
export type { TransferSyntaxInfo, PixelEncoding, VideoEncoding } from './dicom/transferSyntax.js';
export { assembleSeries } from './series/assembleSeries.js';
export type { AssembleOptions } from './series/assembleSeries.js';
export { frameValues } from './series/frameValues.js';
export type {
  AssembledSeries,
  SeriesGeometry,
  SeriesIssue,
  SeriesIssueKind,
  SeriesKind,
  SliceRef,
  SpacingRun,
} from './series/AssembledSeries.js';
export { writeDerivedInstance } from './write/writeDerivedInstance.js';
export type { RestoredFrames, DerivedInstance } from './write/writeDerivedInstance.js';
export { DerivedSeriesWriter } from './write/DerivedSeriesWriter.js';
export type { DerivedSeriesWriterOptions } from './write/DerivedSeriesWriter.js';
export { restorationDerivation } from './write/restorationDerivation.js';
export type {
  DenoiserRestorationRun,
  GsdiffRestorationRun,
  RestorationRun,
  RunStrength,
} from './write/restorationDerivation.js';
export { derivedSeriesSpec, DERIVED_SUFFIX } from './write/derivedSeriesSpec.js';
export { DERIVATION_CODES } from './write/DerivationInfo.js';
export type { DerivationInfo, DerivedSeriesSpec, CodeItem } from './write/DerivationInfo.js';
export { storedFromModality } from './write/storedFromModality.js';
export { newUid, encodePart10, readNaturalDataset } from './write/dcmjsCodec.js';
export type { NaturalDataset } from './write/dcmjsCodec.js';
export { probeFile } from './dicom/probeFile.js';
export type { ProbeOutcome } from './dicom/probeFile.js';
export * from './capsule/index.js';
export * from './local/index.js';
export {
  encodeCtSlice,
  encodeEndoscopySequence,
  encodeEndoscopyVideo,
  CT_IMAGE_STORAGE,
} from './write/syntheticInstances.js';
export type {
  SyntheticSeriesContext,
  CtSliceSpec,
  EndoscopySequenceSpec,
  EndoscopyVideoSpec,
} from './write/syntheticInstances.js';
export { writeVideoInstance } from './write/writeVideoInstance.js';
export type { VideoInstanceSpec } from './write/writeVideoInstance.js';
export { videoPixelModules, ratioAligned, VIDEO_LOSSY_METHOD } from './write/videoModules.js';
export type { VideoPixelSpec } from './write/videoModules.js';
export { encodeVideoStream } from './write/encodeVideoStream.js';
export { videoInstanceFromMetadata } from './write/videoInstanceFromMetadata.js';
export {
  derivedAsVideo,
  DERIVED_VIDEO_SYNTAX,
  DERIVED_VIDEO_ENCODINGS,
  isDerivedVideoEncoding,
} from './write/derivedAsVideo.js';
export type { DerivedVideoOptions, DerivedVideoInstance, DerivedVideoEncoding } from './write/derivedAsVideo.js';
export type { VideoEncodeSpec, EncodedVideo } from './write/encodeVideoStream.js';
export { encapsulatedPixelDataElement, splitIntoFragments } from './write/encapsulatedPixelData.js';
export type {
  PacsAdapter,
  StudyQuery,
  SeriesQuery,
  StudySummary,
  SeriesSummary,
  InstanceRef,
  RetrievedInstance,
  SeriesFacts,
  StoreReport,
  StoreFailure,
} from './pacs/PacsAdapter.js';
export { LocalStoreAdapter } from './pacs/LocalStoreAdapter.js';
export { SeriesWatcher } from './pacs/SeriesWatcher.js';
export type { StableSeries, WatcherOptions } from './pacs/SeriesWatcher.js';
export { matchRule, isDerived } from './pacs/seriesRules.js';
export type { SeriesRule } from './pacs/seriesRules.js';
export { readMultipartParts } from './net/readMultipartParts.js';
export type {
  MultipartFailure,
  MultipartFailureKind,
  MultipartLimits,
  MultipartPart,
} from './net/readMultipartParts.js';
export * from './dicomweb/index.js';
export * from './dimse/index.js';
