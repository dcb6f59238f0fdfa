import { describeThrown } from '../../common/index.js';
import { PacsError, pacsError } from '../errors.js';
import { ChunkCollector } from './ChunkCollector.js';
import type { DimseContext } from './DimseContext.js';
import { destroyConnection, installNetworkHooks } from './internals.js';
import {
  Client,
  Dataset,
  DIMSE_LIBRARY_VERSION,
  Implementation,
  responses,
  type CStoreRequest,
  type CStoreResponse,
  type DimseAssociation,
  type DimsePresentationContext,
  type DimseRequest,
} from './library.js';
import { describeAbort, describeRejection, isTransientRejection } from './rejection.js';

/** A C-STORE sub-operation arriving on our association (C-GET), its data set kept as received. */
export interface IncomingStore {
  readonly request: CStoreRequest;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /** The data set bytes; empty when it exceeded maxInstanceBytes (`tooLarge`). */
  readonly dataset: Uint8Array;
  readonly tooLarge: boolean;
  readonly size: number;
}

/** A presentation context in which we take the SCP role (storage sub-operations of a C-GET). */
export interface RoleContext {
  readonly sopClassUid: string;
  readonly transferSyntaxes: readonly string[];
}

/** One association: what to propose, what to send, what to do with C-STORE sub-operations. */
export interface AssociationPlan {
  /** e.g. "C-FIND STUDY", in messages and log lines. */
  readonly operation: string;
  /** Requests, sent one after another once the association is accepted. */
  readonly requests: readonly DimseRequest[];
  /** Presentation contexts proposed in addition to those the requests need, each as a context of its own. */
  readonly extraContexts?: readonly DimsePresentationContext[];
  /** Contexts proposed with the SCP role (SCP/SCU Role Selection, PS3.7 D.3.3.4), each of its own. */
  readonly roleContexts?: readonly RoleContext[];
  /**
   * Runs once the peer accepted, before any request is sent; returns the requests to send (e.g. without those no
   * accepted presentation context can carry). Throwing fails the association.
   */
  readonly onAccepted?: (association: DimseAssociation) => readonly DimseRequest[];
  /** Handles C-STORE sub-operations (C-GET); `respond` sends the C-STORE response. Absent: refused (0x0122). */
  readonly onStore?: (incoming: IncomingStore, respond: (status: number, comment?: string) => void) => void;
  readonly signal?: AbortSignal;
}

export interface RunningAssociation {
  /**
   * Resolves when every request got its final response (and the association was released); rejects with a
   * PacsError whose `details.retryable` says whether trying again may help, or with the abort signal's reason.
   */
  readonly done: Promise<void>;
  /** Sends an A-ABORT and closes the connection (a consumer stopped early); `done` then rejects or resolves. */
  abort(): void;
}

/** Grace for the socket to close after a failure before `done` settles anyway. */
const CLOSE_GRACE_MS = 2000;

/**
 * Opens one association to the configured peer and runs the plan's requests on it. Connect, accept, release and
 * every failure (refused connection, rejection, A-ABORT, timeouts, lost connection) end in `done`, mapped to
 * registry errors that name the peer as AET@host:port.
 * @throws (via done) PACS_ERR_UNREACHABLE, PACS_ERR_TIMEOUT, PACS_ERR_DIMSE_ASSOCIATION, PACS_ERR_CLOSED
 */
export function openAssociation(ctx: DimseContext, plan: AssociationPlan): RunningAssociation {
  const { peer, callingAet, associationTimeoutMs, dimseTimeoutMs, maxPduLength, maxInstanceBytes } = ctx.config;
  const where = `${peer.aet}@${peer.host}:${peer.port}`;
  const details = { host: peer.host, port: peer.port, calledAet: peer.aet, operation: plan.operation };
  const log = ctx.log.child({ operation: plan.operation });

  let resolveDone: () => void = () => undefined;
  let rejectDone: (e: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const signals = [plan.signal, ctx.closed].filter((s): s is AbortSignal => s !== undefined);
  const alreadyAborted = signals.find((s) => s.aborted);
  if (alreadyAborted) {
    rejectDone(abortReason(alreadyAborted, where, details));
    return { done, abort: () => undefined };
  }

  const client = new Client();
  for (const r of plan.requests) client.addRequest(r);
  for (const pc of plan.extraContexts ?? []) client.addAdditionalPresentationContext(pc, true);
  const unanswered = new Set<DimseRequest>(plan.requests);
  for (const r of plan.requests) r.on('done', () => unanswered.delete(r));

  let connected = false;
  let accepted = false;
  let settled = false;
  let failure: unknown = undefined;
  let closeGuard: NodeJS.Timeout | undefined;
  const collectors = new WeakMap<CStoreRequest, ChunkCollector>();

  const settle = (): void => {
    if (settled) return;
    settled = true;
    clearTimeout(associationTimer);
    clearTimeout(closeGuard);
    for (const s of signals) s.removeEventListener('abort', onAbortSignal);
    if (failure !== undefined) {
      // The last response arrived but the release went wrong: the work is done, say so and move on.
      if (accepted && unanswered.size === 0 && !(failure instanceof PacsError && failure.code === 'PACS_ERR_CLOSED')) {
        const isAbort = signals.some((s) => s.aborted && s.reason === failure);
        if (!isAbort) {
          log.warn({ err: describeThrown(failure) }, 'dimse: association ended badly after the last response');
          resolveDone();
          return;
        }
      }
      rejectDone(failure);
    } else if (accepted && unanswered.size === 0) {
      resolveDone();
    } else {
      rejectDone(
        pacsError(
          'PACS_ERR_DIMSE_ASSOCIATION',
          `${plan.operation} to ${where}: the connection closed with ${unanswered.size} request(s) unanswered: expected responses and A-RELEASE`,
          { ...details, retryable: true },
        ),
      );
    }
  };

  const fail = (e: unknown, graceful = false): void => {
    if (settled) return;
    if (failure === undefined) failure = e;
    if (graceful) {
      try {
        if (accepted) client.abort();
      } catch {
        // no network yet: nothing to abort
      }
    }
    // An A-ABORT is queued before the socket closes; a destroyed socket drops it, so close a moment later.
    setTimeout(() => destroyConnection(client), graceful ? 50 : 0).unref();
    closeGuard ??= setTimeout(settle, CLOSE_GRACE_MS);
    closeGuard.unref();
  };

  const onAbortSignal = (event: Event): void => fail(abortReason(event.target as AbortSignal, where, details), true);
  for (const s of signals) s.addEventListener('abort', onAbortSignal, { once: true });

  const associationTimer = setTimeout(() => {
    if (!accepted) {
      fail(
        pacsError(
          'PACS_ERR_TIMEOUT',
          `${plan.operation} to ${where}: association not accepted within ${associationTimeoutMs} ms: expected A-ASSOCIATE-AC, got ${connected ? 'no answer' : 'no connection'}`,
          { ...details, timeoutMs: associationTimeoutMs, retryable: true },
        ),
      );
    }
  }, associationTimeoutMs);

  client.on('connected', () => {
    connected = true;
  });
  client.on('associationAccepted', (association: DimseAssociation) => {
    accepted = true;
    clearTimeout(associationTimer);
    log.debug({ peer: where }, 'dimse: association accepted');
    if (!plan.onAccepted) return;
    try {
      const keep = plan.onAccepted(association);
      for (const r of plan.requests) if (!keep.includes(r)) unanswered.delete(r);
      client.clearRequests();
      for (const r of keep) client.addRequest(r);
    } catch (e) {
      client.clearRequests();
      fail(e);
    }
  });
  client.on('associationRejected', (rj: { result: number; source: number; reason: number }) => {
    fail(
      pacsError(
        'PACS_ERR_DIMSE_ASSOCIATION',
        `${plan.operation} to ${where}: association rejected (${describeRejection(rj.result, rj.source, rj.reason)}): expected A-ASSOCIATE-AC, got A-ASSOCIATE-RJ (calling AET ${callingAet})`,
        {
          ...details,
          callingAet,
          rejectResult: rj.result,
          rejectSource: rj.source,
          rejectReason: rj.reason,
          retryable: isTransientRejection(rj.result),
        },
      ),
    );
  });
  client.on('networkError', (e: Error) => fail(networkError(e, connected, accepted)));
  client.on('closed', () => settle());
  client.on('cStoreRequest', (request: CStoreRequest, callback: (response: CStoreResponse) => void) => {
    let answered = false;
    const respond = (status: number, comment?: string): void => {
      if (answered || settled) return;
      answered = true;
      const response = responses.CStoreResponse.fromRequest(request);
      response.setStatus(status);
      if (comment) response.setErrorComment(comment.slice(0, 64));
      callback(response);
    };
    const collector = collectors.get(request);
    if (!plan.onStore || !collector) {
      respond(0x0122, 'no C-STORE expected on this association');
      return;
    }
    collectors.delete(request);
    try {
      plan.onStore(
        {
          request,
          sopClassUid: request.getAffectedSopClassUid(),
          sopInstanceUid: request.getAffectedSopInstanceUid(),
          transferSyntaxUid: collector.transferSyntaxUid,
          dataset: collector.bytes(),
          tooLarge: collector.overflowed,
          size: collector.size,
        },
        respond,
      );
    } catch (e) {
      respond(0x0110, 'processing failure');
      fail(e);
    }
  });

  function networkError(e: Error, wasConnected: boolean, wasAccepted: boolean): PacsError {
    const msg = e.message.replace(/^.*?-> /, '');
    if (!wasConnected) {
      return pacsError('PACS_ERR_UNREACHABLE', `${plan.operation}: cannot connect to ${where}: ${msg}`, {
        ...details,
        retryable: true,
      });
    }
    if (/timeout/i.test(msg)) {
      return pacsError(
        'PACS_ERR_TIMEOUT',
        `${plan.operation} to ${where}: the peer was silent for ${wasAccepted ? dimseTimeoutMs : associationTimeoutMs} ms: expected a PDU, got none (${msg})`,
        { ...details, timeoutMs: wasAccepted ? dimseTimeoutMs : associationTimeoutMs, retryable: true },
      );
    }
    return pacsError('PACS_ERR_DIMSE_ASSOCIATION', `${plan.operation} to ${where}: connection lost: ${msg}`, {
      ...details,
      retryable: true,
    });
  }

  // The A-ASSOCIATE-RQ is built inside send() from the library's global default: set ours around the call.
  const previousPdu = Implementation.getMaxPduLength();
  Implementation.setMaxPduLength(maxPduLength);
  try {
    client.send(peer.host, peer.port, callingAet, peer.aet, {
      associationTimeout: associationTimeoutMs,
      pduTimeout: dimseTimeoutMs,
      // The socket's own idle timeout: a backstop behind the two above.
      connectTimeout: Math.max(associationTimeoutMs, dimseTimeoutMs) + 5000,
    });
  } finally {
    Implementation.setMaxPduLength(previousPdu);
  }
  const hooked = installNetworkHooks(client, {
    beforeAssociationRequest: (association) => {
      try {
        for (const rc of plan.roleContexts ?? []) {
          const id = association.addPresentationContext(rc.sopClassUid);
          for (const ts of rc.transferSyntaxes) association.addTransferSyntaxToPresentationContext(id, ts);
          const pc = association.getPresentationContext(id);
          pc.setUserRole(false);
          pc.setProviderRole(true);
        }
      } catch (e) {
        fail(e);
      }
    },
    storeStream: {
      create: (context, request) => {
        const collector = new ChunkCollector(maxInstanceBytes, context.getAcceptedTransferSyntaxUid() ?? '');
        collectors.set(request, collector);
        return collector;
      },
      datasetFor: (_writable, context) => new Dataset({}, context.getAcceptedTransferSyntaxUid()),
    },
    onAbort: (source, reason) =>
      fail(
        pacsError(
          'PACS_ERR_DIMSE_ASSOCIATION',
          `${plan.operation} to ${where}: aborted by the peer (${describeAbort(source, reason)}): expected responses, got A-ABORT`,
          { ...details, retryable: true },
        ),
      ),
  });
  if (!hooked) {
    fail(
      pacsError(
        'PACS_ERR_DIMSE_ASSOCIATION',
        `${plan.operation}: dcmjs-dimse ${DIMSE_LIBRARY_VERSION} has no client.network to hook: expected the pinned version`,
        { ...details, retryable: false },
      ),
    );
  }

  return {
    done,
    abort: () => fail(pacsError('PACS_ERR_CLOSED', `${plan.operation} to ${where}: abandoned`, details), true),
  };
}

function abortReason(signal: AbortSignal, where: string, details: Record<string, string | number>): unknown {
  return signal.reason instanceof PacsError
    ? signal.reason
    : (signal.reason ?? pacsError('PACS_ERR_CLOSED', `DIMSE to ${where}: aborted`, details));
}
