import { describeThrown, type Logger } from '../../common/index.js';
import type { PacsError } from '../errors.js';
import { backoffDelay, sleep } from './backoff.js';
import type { RetryPolicy } from './RetryPolicy.js';

/** What the loop needs of an adapter: its policy, its logger, and the signal its `close()` aborts. */
export interface RetryContext {
  readonly config: { readonly retries: RetryPolicy };
  readonly log: Logger;
  readonly closed: AbortSignal;
}

/**
 * What differs between protocols: which failures may pass on another try is a property of the protocol's errors
 * (HTTP statuses for DICOMweb, association failures for DIMSE), so each adapter states it next to those errors.
 */
export interface RetryRule {
  /** Names the adapter in the log line of each retry, e.g. "dicomweb". */
  readonly protocol: string;
  readonly isRetryable: (e: unknown) => boolean;
  /** The error thrown when the loop gives up after `attempts` tries; without it, the last failure as it is. */
  readonly giveUp?: (e: unknown, attempts: number) => unknown;
}

/**
 * Runs `op` with the adapter's retries: a failure `rule.isRetryable` accepts waits an exponential, jittered delay
 * and tries again; any other failure, or the last try's, is thrown. Only for operations that are safe to repeat
 * (GETs, C-ECHO, C-FIND).
 * @param what - e.g. "QIDO-RS" or "C-FIND STUDY", for the log line of each retry
 * @param op - one try; receives the 1-based attempt number
 * @param signal - the caller's signal: aborting it stops the waiting too
 * @example
 * await withRetries(ctx, DIMSE_RETRY, 'C-ECHO', () => echoOnce(ctx), signal);
 */
export async function withRetries<T>(
  ctx: RetryContext,
  rule: RetryRule,
  what: string,
  op: (attempt: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const { attempts } = ctx.config.retries;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      if (!rule.isRetryable(e) || attempt >= attempts) throw rule.giveUp ? rule.giveUp(e, attempt) : e;
      await waitBeforeRetry(ctx, rule, what, attempt, e, signal);
    }
  }
}

/**
 * Logs the retry and sleeps its backoff; for loops that decide themselves what to try again (a DIMSE retrieve or
 * store resumes rather than repeats).
 * @throws the reason of `signal` or of the adapter's close, at once when either aborts
 */
export async function waitBeforeRetry(
  ctx: RetryContext,
  rule: RetryRule,
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
    `${rule.protocol}: retrying`,
  );
  await sleep(delayMs, signal, ctx.closed);
}
