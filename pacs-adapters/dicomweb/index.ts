export { DicomWebAdapter } from './DicomWebAdapter.js';
export { DICOMWEB_DEFAULTS } from './DicomWebConfig.js';
export type { DicomWebAuth, DicomWebConfig, ResolvedDicomWebConfig, RetryPolicy } from './DicomWebConfig.js';
export { redactUrl } from './redactUrl.js';
export { WADO_SERIES_ACCEPT } from './retrieveSeries.js';
export { WADO_VIDEO_ACCEPT, VIDEO_PART_SYNTAX } from './retrieveVideoInstance.js';
