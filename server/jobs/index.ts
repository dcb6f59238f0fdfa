export { JobService } from './JobService.js';
export type { JobServiceOptions } from './JobService.js';
export type { JobQueue, QueueBackend, JobCloseOptions, JobWatchOptions, JobWatch } from './JobQueue.js';
export type { JobCoreOptions } from './JobServiceCore.js';
export { RedisJobService } from './redis/RedisJobService.js';
export type { RedisJobServiceOptions } from './redis/RedisJobService.js';
export { QueueWorker } from './redis/QueueWorker.js';
export type { QueueWorkerOptions, WorkerCloseOptions } from './redis/QueueWorker.js';
export { checkQueueUrl, queueUrlProblem, redactUrl } from './redis/connectRedis.js';
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
