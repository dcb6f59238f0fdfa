import { describeThrown } from '../../common/index.js';
import { PacsError } from '../errors.js';
import type { DimseContext } from './DimseContext.js';
import { backoffDelay, sleep } from '../net/backoff.js';

/** True for association failures that may pass on another try (`details.retryable`, set where they are raised). */
export function isRetryable(e: unknown): boolean {
  return e instanceof PacsError && e.details.retryable === true;
}

/**
 * Runs `op` with the configured retries; a retryable failure waits and tries again, others pass through. Only
 * for operations that are safe to repeat (C-ECHO, C-FIND) or that resume without repeating (see callers).
 * @param what - e.g. "C-FIND STUDY", for the log line of each retry
 * @param op - one try, given its 1-based attempt number
 */
export async function withRetries<T>(
  ctx: DimseContext,
  what: string,
  op: (attempt: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const { attempts } = ctx.config.retries;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      if (!isRetryable(e) || attempt >= attempts) throw e;
      await waitBeforeRetry(ctx, what, attempt, e, signal);
    }
  }
}

/** Logs the retry and sleeps its backoff; rejects at once when `signal` or the adapter's close aborts. */
export async function waitBeforeRetry(
  ctx: DimseContext,
  what: string,
  attempt: number,
  error: unknown,
  signal?: AbortSignal,
): Promise<void> {
  const delayMs = backoffDelay(attempt, ctx.config.retries);
  ctx.log.warn(
    {
      what,
      attempt,
      of: ctx.config.retries.attempts,
      code: (error as PacsError).code,
      err: describeThrown(error),
      delayMs,
    },
    'dimse: retrying',
  );
  await sleep(delayMs, signal, ctx.closed);
}
