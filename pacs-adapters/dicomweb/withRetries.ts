import { PacsError } from '../errors.js';
import { backoffDelay, sleep } from '../net/backoff.js';
import type { HttpContext } from './HttpContext.js';
import { isRetriable, withAttempts } from './statusError.js';

/**
 * Runs an idempotent operation with the configured retries: a retriable failure (see `isRetriable`) waits an
 * exponential, jittered delay and tries again; the last error carries `details.attempts`. Only for GETs.
 * @param what - e.g. "QIDO GET <url>", for the log line of each retry
 * @param op - one try; receives the 1-based attempt number
 * @param signal - the caller's signal: aborting it stops the waiting too
 */
export async function withRetries<T>(
  ctx: HttpContext,
  what: string,
  op: (attempt: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const { attempts } = ctx.config.retries;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (e) {
      if (!isRetriable(e) || attempt >= attempts) throw e instanceof PacsError ? withAttempts(e, attempt) : e;
      const delayMs = backoffDelay(attempt, ctx.config.retries);
      ctx.log.warn({ what, attempt, of: attempts, code: (e as PacsError).code, delayMs }, 'dicomweb: retrying');
      await sleep(delayMs, ctx.closed, signal);
    }
  }
}
