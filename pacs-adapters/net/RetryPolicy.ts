import type { BackoffTiming } from './backoff.js';

/** How many times an adapter tries a failed operation, and how long it waits between tries. */
export interface RetryPolicy extends BackoffTiming {
  /** Total tries, the first included (1 = no retry). */
  readonly attempts: number;
  /** Delay before the first retry; doubles per retry, capped by maxDelayMs, then jittered. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}
