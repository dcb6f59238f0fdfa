import { PacsError, pacsError } from '../errors.js';
import type { DimsePeer } from './DimseConfig.js';
import { describeAbort, describeRejection, isTransientRejection } from './rejection.js';

/** Who one association talks to and for what: every error it raises names the peer as `AET@host:port`. */
export interface AssociationTarget {
  readonly operation: string;
  readonly where: string;
  readonly details: {
    readonly host: string;
    readonly port: number;
    readonly calledAet: string;
    readonly operation: string;
  };
}

export function associationTarget(peer: DimsePeer, operation: string): AssociationTarget {
  return {
    operation,
    where: `${peer.aet}@${peer.host}:${peer.port}`,
    details: { host: peer.host, port: peer.port, calledAet: peer.aet, operation },
  };
}

/** Why the caller's signal or the adapter's close stopped it: their own reason, passed on as it is. */
export function abortReason(signal: AbortSignal, target: AssociationTarget): unknown {
  return signal.reason instanceof PacsError
    ? signal.reason
    : (signal.reason ?? pacsError('PACS_ERR_CLOSED', `DIMSE to ${target.where}: aborted`, target.details));
}

/** The consumer stopped early (`RunningAssociation.abort`). */
export function abandoned(target: AssociationTarget): PacsError {
  return pacsError('PACS_ERR_CLOSED', `${target.operation} to ${target.where}: abandoned`, target.details);
}

export function notAcceptedInTime(target: AssociationTarget, timeoutMs: number, connected: boolean): PacsError {
  return pacsError(
    'PACS_ERR_TIMEOUT',
    `${target.operation} to ${target.where}: association not accepted within ${timeoutMs} ms: expected A-ASSOCIATE-AC, got ${connected ? 'no answer' : 'no connection'}`,
    { ...target.details, timeoutMs, retryable: true },
  );
}

/** A-ASSOCIATE-RJ; retried only when the peer says the rejection is transient. */
export function rejected(
  target: AssociationTarget,
  callingAet: string,
  rj: { result: number; source: number; reason: number },
): PacsError {
  return pacsError(
    'PACS_ERR_DIMSE_ASSOCIATION',
    `${target.operation} to ${target.where}: association rejected (${describeRejection(rj.result, rj.source, rj.reason)}): expected A-ASSOCIATE-AC, got A-ASSOCIATE-RJ (calling AET ${callingAet})`,
    {
      ...target.details,
      callingAet,
      rejectResult: rj.result,
      rejectSource: rj.source,
      rejectReason: rj.reason,
      retryable: isTransientRejection(rj.result),
    },
  );
}

export function abortedByPeer(target: AssociationTarget, source: number, reason: number): PacsError {
  return pacsError(
    'PACS_ERR_DIMSE_ASSOCIATION',
    `${target.operation} to ${target.where}: aborted by the peer (${describeAbort(source, reason)}): expected responses, got A-ABORT`,
    { ...target.details, retryable: true },
  );
}

/**
 * A socket error, told apart by how far the association had come: no connection (unreachable), a silent peer
 * (the library's PDU timers), or a connection lost.
 */
export function connectionFailed(
  target: AssociationTarget,
  e: Error,
  progress: { readonly connected: boolean; readonly accepted: boolean },
  timeouts: { readonly associationTimeoutMs: number; readonly dimseTimeoutMs: number },
): PacsError {
  const { operation, where, details } = target;
  // The library prefixes its own context ("… -> "); the peer's words are what follows.
  const msg = e.message.replace(/^.*?-> /, '');
  if (!progress.connected) {
    return pacsError('PACS_ERR_UNREACHABLE', `${operation}: cannot connect to ${where}: ${msg}`, {
      ...details,
      retryable: true,
    });
  }
  if (/timeout/i.test(msg)) {
    const timeoutMs = progress.accepted ? timeouts.dimseTimeoutMs : timeouts.associationTimeoutMs;
    return pacsError(
      'PACS_ERR_TIMEOUT',
      `${operation} to ${where}: the peer was silent for ${timeoutMs} ms: expected a PDU, got none (${msg})`,
      { ...details, timeoutMs, retryable: true },
    );
  }
  return pacsError('PACS_ERR_DIMSE_ASSOCIATION', `${operation} to ${where}: connection lost: ${msg}`, {
    ...details,
    retryable: true,
  });
}

/** The connection closed with no failure seen, but some request never got its final response. */
export function closedUnanswered(target: AssociationTarget, unanswered: number): PacsError {
  return pacsError(
    'PACS_ERR_DIMSE_ASSOCIATION',
    `${target.operation} to ${target.where}: the connection closed with ${unanswered} request(s) unanswered: expected responses and A-RELEASE`,
    { ...target.details, retryable: true },
  );
}

/** The installed dcmjs-dimse is not the shape `internals.ts` hooks into: a build problem, never retried. */
export function libraryNotHookable(target: AssociationTarget, libraryVersion: string): PacsError {
  return pacsError(
    'PACS_ERR_DIMSE_ASSOCIATION',
    `${target.operation}: dcmjs-dimse ${libraryVersion} has no client.network to hook: expected the pinned version`,
    { ...target.details, retryable: false },
  );
}
