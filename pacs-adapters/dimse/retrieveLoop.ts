import type { RetrievedInstance } from '../pacs/PacsAdapter.js';
import { AsyncQueue } from './AsyncQueue.js';
import type { RunningAssociation } from './AssociationPlan.js';
import type { DimseContext } from './DimseContext.js';
import { waitBeforeRetry } from '../net/withRetries.js';
import { DIMSE_RETRY, isRetryable } from './retry.js';

/** One try of a retrieve: the association and the queue its instances arrive in. */
export interface RetrieveAttempt {
  readonly association: RunningAssociation;
  readonly queue: AsyncQueue<RetrievedInstance>;
  /** Called after the queue ended without error: throws when the peer reported failures. */
  readonly checkFinal: () => void;
}

/**
 * The retry loop C-GET and C-MOVE share. Each try streams what arrives; a retryable association failure starts a
 * new try that skips instances already yielded (`delivered`, by SOP Instance UID), so the consumer never sees an
 * instance twice. A consumer that stops early aborts the association.
 * @param start - opens one try; `delivered` lets it acknowledge re-sent instances without queueing them
 */
export async function* retrieveWithRetries(
  ctx: DimseContext,
  operation: string,
  start: (delivered: ReadonlySet<string>) => RetrieveAttempt,
  signal?: AbortSignal,
): AsyncGenerator<RetrievedInstance, void, undefined> {
  const delivered = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    const { association, queue, checkFinal } = start(delivered);
    association.done.then(
      () => queue.close(),
      (e: unknown) => queue.fail(e),
    );
    let ended = false;
    try {
      for await (const item of queue) {
        if (delivered.has(item.sopInstanceUid)) continue;
        delivered.add(item.sopInstanceUid);
        yield item;
      }
      ended = true;
    } catch (e) {
      ended = true;
      if (!isRetryable(e) || attempt >= ctx.config.retries.attempts) throw e;
      await waitBeforeRetry(ctx, DIMSE_RETRY, operation, attempt, e, signal);
      continue;
    } finally {
      if (!ended) association.abort();
    }
    checkFinal();
    ctx.log.debug({ operation, instances: delivered.size, attempts: attempt }, 'dimse: retrieve done');
    return;
  }
}
