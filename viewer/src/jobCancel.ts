import type { JobState } from '../../wire/index.js';

/** Whether a job in this state can still be cancelled (its row in the job list has a Cancel button). */
export function cancellable(state: JobState): boolean {
  return state === 'queued' || state === 'running';
}
