import { PacsError } from '../errors.js';
import type { RetryRule } from '../net/withRetries.js';

/** True for association failures that may pass on another try (`details.retryable`, set where they are raised). */
export function isRetryable(e: unknown): boolean {
  return e instanceof PacsError && e.details.retryable === true;
}

/**
 * How DIMSE operations retry (`withRetries` and `waitBeforeRetry` in ../net). The failure is thrown as it is: its
 * message already names the association that failed.
 */
export const DIMSE_RETRY: RetryRule = Object.freeze({ protocol: 'dimse', isRetryable });
