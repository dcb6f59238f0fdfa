import type { JobRecord } from '../../wire/index.js';
import { progressText, type JobProgress } from './jobProgress.js';

/**
 * The toolbar's line about the reviewed job, its count from the progress store (the job list and the pane show the
 * same count).
 * @example jobLineText(job, { done: 6, total: 48 }) // 'job 1f2e3d4c · deblur · strength medium · running · 6/48'
 */
export function jobLineText(job: Pick<JobRecord, 'id' | 'spec' | 'state'> | undefined, progress: JobProgress): string {
  if (!job) return '';
  return [
    `job ${job.id.slice(0, 8)}`,
    job.spec.task,
    job.spec.strength && `strength ${job.spec.strength}`,
    job.state,
    progressText(progress),
  ]
    .filter(Boolean)
    .join(' · ');
}
