import { describeThrown, type Logger } from '../../common/index.js';
import { PacsError } from '../errors.js';
import { abortReason, closedUnanswered, notAcceptedInTime, type AssociationTarget } from './associationErrors.js';
import type { ChunkCollector } from './ChunkCollector.js';
import { destroyConnection } from './internals.js';
import type { CStoreRequest, DimseClient, DimseRequest } from './library.js';

/** Grace for the socket to close after a failure before `done` settles anyway. */
const CLOSE_GRACE_MS = 2000;

/**
 * Where one association stands. The library reports an association as events (connected, accepted, rejected,
 * aborted, network error, closed) in whatever order a failing peer produces; this object is what those events
 * change, and `fail` and `settle` are the only ways `done` is decided, so a late event cannot settle it twice.
 */
export class AssociationState {
  /** The TCP connection was made: a later network error is a lost connection, not an unreachable peer. */
  connected = false;
  /** The peer sent A-ASSOCIATE-AC. */
  accepted = false;
  /** Requests still waiting for their final response. */
  readonly unanswered: Set<DimseRequest>;
  /** Incoming C-STORE data sets, from the moment the library opens their stream to their request event. */
  readonly collectors = new WeakMap<CStoreRequest, ChunkCollector>();
  readonly done: Promise<void>;
  #settled = false;
  /** The first failure; later ones are its consequences (the socket closing after an abort, …). */
  #failure: unknown = undefined;
  #closeGuard: NodeJS.Timeout | undefined;
  #associationTimer: NodeJS.Timeout | undefined;
  #resolve: () => void = () => undefined;
  #reject: (e: unknown) => void = () => undefined;
  readonly #onAbortSignal = (event: Event): void =>
    this.fail(abortReason(event.target as AbortSignal, this.target), true);

  /**
   * @param requests - the plan's requests: each leaves `unanswered` on its final response
   * @param signals - the caller's signal and the adapter's close: either aborts the association gracefully
   */
  constructor(
    private readonly client: DimseClient,
    private readonly target: AssociationTarget,
    requests: readonly DimseRequest[],
    private readonly signals: readonly AbortSignal[],
    private readonly log: Logger,
  ) {
    this.done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.unanswered = new Set(requests);
    for (const r of requests) r.on('done', () => this.unanswered.delete(r));
    for (const s of signals) s.addEventListener('abort', this.#onAbortSignal, { once: true });
  }

  /** `done` is decided: responses that arrive now go nowhere. */
  get settled(): boolean {
    return this.#settled;
  }

  /** Fails the association with PACS_ERR_TIMEOUT unless the peer accepts it within `timeoutMs`. */
  startAssociationTimer(timeoutMs: number): void {
    this.#associationTimer = setTimeout(() => {
      if (!this.accepted) this.fail(notAcceptedInTime(this.target, timeoutMs, this.connected));
    }, timeoutMs);
  }

  markAccepted(): void {
    this.accepted = true;
    clearTimeout(this.#associationTimer);
  }

  /**
   * Records the failure (the first one wins) and closes the connection; `done` settles when the library reports
   * the close, or after a grace period if it never does.
   * @param graceful - send an A-ABORT first (our own stop rather than a broken connection)
   */
  fail(e: unknown, graceful = false): void {
    if (this.#settled) return;
    if (this.#failure === undefined) this.#failure = e;
    if (graceful) {
      try {
        if (this.accepted) this.client.abort();
      } catch {
        // no network yet: nothing to abort
      }
    }
    // An A-ABORT is queued before the socket closes; a destroyed socket drops it, so close a moment later.
    setTimeout(() => destroyConnection(this.client), graceful ? 50 : 0).unref();
    this.#closeGuard ??= setTimeout(() => this.settle(), CLOSE_GRACE_MS);
    this.#closeGuard.unref();
  }

  /** Decides `done` once the connection is closed: resolved when every request was answered, else rejected. */
  settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#associationTimer);
    clearTimeout(this.#closeGuard);
    for (const s of this.signals) s.removeEventListener('abort', this.#onAbortSignal);
    const answeredAll = this.accepted && this.unanswered.size === 0;
    const failure = this.#failure;
    if (failure === undefined) {
      if (answeredAll) this.#resolve();
      else this.#reject(closedUnanswered(this.target, this.unanswered.size));
      return;
    }
    if (answeredAll && !this.#stoppedByUs(failure)) {
      // The last response arrived but the release went wrong: the work is done, say so and move on.
      this.log.warn({ err: describeThrown(failure) }, 'dimse: association ended badly after the last response');
      this.#resolve();
      return;
    }
    this.#reject(failure);
  }

  /** Abandoned, closed or aborted by the caller: the stop itself is the outcome, even after the last response. */
  #stoppedByUs(failure: unknown): boolean {
    if (failure instanceof PacsError && failure.code === 'PACS_ERR_CLOSED') return true;
    return this.signals.some((s) => s.aborted && s.reason === failure);
  }
}
