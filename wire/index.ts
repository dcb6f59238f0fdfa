export { WIRE_ERRORS, WireError } from './WireError.js';
export type { WireErrorCode, WireErrorDetails } from './WireError.js';
export { JOB_STATES, TERMINAL_STATES, isJobEnd } from './JobRecord.js';
export type {
  DeviceRequest,
  JobEnd,
  JobError,
  JobList,
  JobRecord,
  JobSpec,
  JobStage,
  JobState,
  JobSubmission,
  JobTask,
  JobTimings,
  JobTrigger,
  PushBackReport,
  Strength,
  VideoOutput,
} from './JobRecord.js';
export type { SeriesSummary, StudySummary } from './Summaries.js';
export type { DicomJsonAttribute, DicomJsonDataset, DicomJsonValue, PersonNameJson } from './DicomJson.js';
export { decodeFrameMessage, encodeFrameMessage } from './frameMessage.js';
export type { FrameHeader, StreamedFrame } from './frameMessage.js';
export {
  encodeClientMessage,
  encodeServerMessage,
  parseClientMessage,
  parseServerMessage,
  WS_CLOSE,
} from './jobMessages.js';
export type { ClientMessage, ServerMessage } from './jobMessages.js';
export type { DemoState, DemoStatus, ServerStatus } from './ServerStatus.js';
