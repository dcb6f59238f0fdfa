/**
 * The job record is part of the server↔viewer contract: it is defined once in wire/ (wire/JobRecord.ts) and re-exported
 * here for the jobs folder, which stores it, returns it from the API and streams it.
 */
export { JOB_STATES, TERMINAL_STATES } from '../../wire/index.js';
export type {
  JobSpec,
  JobState,
  JobStage,
  JobTimings,
  PushBackReport,
  JobError,
  JobTrigger,
  JobRecord,
  JobList,
} from '../../wire/index.js';
