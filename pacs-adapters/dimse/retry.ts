import { describeThrown } from '../../common/index.js';
import { PacsError } from '../errors.js';
import type { DimseRetryPolicy } from './DimseConfig.js';
import type { DimseContext } from './DimseContext.js';

/** True for association failures that may pass on another try (`details.retryable`, set where they are raised). */
export function isRetryable(e: unknown): boolean {
  return e instanceof PacsError && e.details.retryable === true;
}

/**
 * Delay before retry number `retry` (1 = first): exponential, capped, half fixed and half random ("equal jitter").
 * @param random - a number in [0, 1), passed in so tests are deterministic
 */
export function backoffDelay(retry: number, policy: DimseRetryPolicy, random: number = Math.random()): number {
  const nominal = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.round(nominal / 2 + (nominal / 2) * random);
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

/** Resolves after `ms`, or rejects with the reason of the first of `signals` to abort. */
export function sleep(ms: number, ...signals: readonly (AbortSignal | undefined)[]): Promise<void> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  return new Promise((resolve, reject) => {
    const aborted = live.find((s) => s.aborted);
    if (aborted) {
      reject(aborted.reason);
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      for (const s of live) s.removeEventListener('abort', onAbort);
    };
    const onAbort = (event: Event): void => {
      done();
      reject((event.target as AbortSignal).reason);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    for (const s of live) s.addEventListener('abort', onAbort, { once: true });
  });
}
