export { MODEL_ERRORS, ModelError, modelError } from './errors.js';
export type { ModelErrorCode } from './errors.js';
export { loadPack } from './pack/loadPack.js';
export type {
  DenoiserPack,
  FilterPack,
  GsdiffPack,
  LoadedPack,
  LoadPackOptions,
  TrnFrameRgb,
  TrnFrameStrength,
} from './pack/loadPack.js';
export { loadOpenCv } from './runtime/opencv.js';
export type { OpenCv, OpenCvMat } from './runtime/opencv.js';
export { parseModelIndex } from './pack/parseModelIndex.js';
export { COMPONENTS, DENOISER_COMPONENTS, FILTER_KINDS, PACK_CLASSES } from './pack/ModelIndex.js';
export type {
  ComponentName,
  DenoiserComponentName,
  DenoiserModelIndex,
  FilterModelIndex,
  FilterSpec,
  GsdiffModelIndex,
  ModelIndex,
  PackClass,
  TrnRgbSpec,
  TrnStrengthSpec,
} from './pack/ModelIndex.js';
export { DEVICE_REQUESTS, isBundled } from './runtime/devices.js';
export type { Device, DeviceRequest } from './runtime/devices.js';
export { restoreSeries } from './pipeline/restoreSeries.js';
export { DENOISER_DEGRADATION } from './pipeline/denoiseSeries.js';
export type {
  DenoiserSeriesTimings,
  GsdiffSeriesTimings,
  RestoreEvent,
  SeriesTimings,
} from './pipeline/RestoreEvent.js';
export type { RestoreOptions } from './pipeline/RestoreOptions.js';
export { DEFAULT_STRENGTH, isStrength, RGB_TRN_WEIGHTS, STRENGTH_WEIGHTS, STRENGTHS } from './pipeline/Strength.js';
export type { Strength } from './pipeline/Strength.js';
export { strengthAction } from './pipeline/strengthAction.js';
export { defaultBranches } from './pipeline/defaultBranches.js';
export type { StrengthAction } from './pipeline/strengthAction.js';
export { readModelIndex, readModelIndexJson } from './pack/readModelIndex.js';
export type { SeriesKind, SeriesSource } from './pipeline/SeriesSource.js';
export { restoreWindow } from './pipeline/restoreWindow.js';
export type {
  Branches,
  NoiseSource,
  RestoredWindow,
  RestoreWindowOptions,
  SamplingOptions,
} from './pipeline/restoreWindow.js';
export { matchedTimestep } from './scheduler/index.js';
export { estimateWindowNoise } from './degradation/estimateWindowNoise.js';
export type { StageTimings } from './pipeline/StageTimings.js';
export { headerPrior } from './degradation/headerPrior.js';
export type { HeaderFacts } from './degradation/headerPrior.js';
export type { DegradationEstimate, DegradationGuess, DegradationSource } from './degradation/DegradationEstimate.js';
export type { VlmOptions } from './degradation/vlmRecognizer.js';
// ONNX tensor builders, for benchmarks that run a pack's graphs one by one (bench/graphs).
export { f32, timestepTensor } from './pipeline/tensors.js';
