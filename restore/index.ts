export { restoreDicomSeries } from './restoreDicomSeries.js';
export type { RestoreDicomOptions, RestoreTask } from './RestoreDicomOptions.js';
export type { SourceSeries } from './SourceSeries.js';
export type { DerivedSeriesOutput, DerivedSeriesSink } from './DerivedSeriesSink.js';
export type { RestoredSeries } from './RestoredSeries.js';
