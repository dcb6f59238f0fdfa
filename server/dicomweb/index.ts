export { dicomWebRouter } from './dicomWebRouter.js';
export type { DicomWebOptions } from './DicomWebContext.js';
export type { DicomJsonAttribute, DicomJsonDataset, DicomJsonValue, PersonNameJson } from './dicomJson.js';
export { FAILURE_REASON } from './stowFailure.js';
