export { LocalStore } from './LocalStore.js';
export type { LocalStoreOptions } from './LocalStore.js';
export { StagedSeries } from './StagedSeries.js';
export type { StagedInstance } from './StagedSeries.js';
export { isUid } from './uid.js';
export type {
  CommitResult,
  DeleteSeriesResult,
  ImportOutcome,
  ImportReport,
  InstanceAttributes,
  InstanceEntry,
  RecoveryReport,
  SeriesAttributes,
  SeriesEntry,
  StoreOptions,
  StoreResult,
  StoreStats,
  StudyAttributes,
  StudyEntry,
  StudyFilter,
} from './types.js';
