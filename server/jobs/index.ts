export { JobService } from './JobService.js';
export type { JobServiceOptions, JobCloseOptions, JobWatchOptions, JobWatch } from './JobService.js';
export { JOB_STATES, TERMINAL_STATES } from './JobRecord.js';
export type {
  JobSpec,
  JobState,
  JobStage,
  JobRecord,
  JobList,
  JobTimings,
  JobError,
  JobTrigger,
  PushBackReport,
} from './JobRecord.js';
export type { JobEvent, JobStreamItem } from './jobStream.js';
export type { FrameHeader, FramesMeta } from './frameFiles.js';
export { pickRunnable } from './schedule.js';
export type { Schedulable } from './schedule.js';
