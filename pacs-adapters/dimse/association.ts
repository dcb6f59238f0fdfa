import type { Logger } from '../../common/index.js';
import type { AssociationPlan, RunningAssociation } from './AssociationPlan.js';
import {
  abandoned,
  abortedByPeer,
  abortReason,
  associationTarget,
  connectionFailed,
  libraryNotHookable,
  rejected,
  type AssociationTarget,
} from './associationErrors.js';
import { AssociationState } from './AssociationState.js';
import { ChunkCollector } from './ChunkCollector.js';
import type { ResolvedDimseConfig } from './DimseConfig.js';
import type { DimseContext } from './DimseContext.js';
import { answerIncomingStore } from './incomingStore.js';
import { installNetworkHooks } from './internals.js';
import {
  Client,
  Dataset,
  DIMSE_LIBRARY_VERSION,
  Implementation,
  type CStoreRequest,
  type CStoreResponse,
  type DimseAssociation,
  type DimseClient,
} from './library.js';
import { proposeRoleContexts } from './roleContexts.js';

/**
 * Opens one association to the configured peer and runs the plan's requests on it. Connect, accept, release and
 * every failure (refused connection, rejection, A-ABORT, timeouts, lost connection) end in `done`, mapped to
 * registry errors that name the peer as AET@host:port.
 * @throws (via done) PACS_ERR_UNREACHABLE, PACS_ERR_TIMEOUT, PACS_ERR_DIMSE_ASSOCIATION, PACS_ERR_CLOSED
 */
export function openAssociation(ctx: DimseContext, plan: AssociationPlan): RunningAssociation {
  const target = associationTarget(ctx.config.peer, plan.operation);
  const log = ctx.log.child({ operation: plan.operation });
  const signals = [plan.signal, ctx.closed].filter((s): s is AbortSignal => s !== undefined);
  const alreadyAborted = signals.find((s) => s.aborted);
  if (alreadyAborted) return { done: Promise.reject(abortReason(alreadyAborted, target)), abort: () => undefined };

  const client = new Client();
  for (const r of plan.requests) client.addRequest(r);
  for (const pc of plan.extraContexts ?? []) client.addAdditionalPresentationContext(pc, true);
  const state = new AssociationState(client, target, plan.requests, signals, log);
  state.startAssociationTimer(ctx.config.associationTimeoutMs);
  followClientEvents(client, state, plan, target, ctx.config, log);
  sendAssociationRequest(client, ctx.config);
  if (!hookNetwork(client, state, plan, target, ctx.config.maxInstanceBytes)) {
    state.fail(libraryNotHookable(target, DIMSE_LIBRARY_VERSION));
  }
  return { done: state.done, abort: () => state.fail(abandoned(target), true) };
}

/** Turns the library's events into state changes; `closed` is the one that settles. */
function followClientEvents(
  client: DimseClient,
  state: AssociationState,
  plan: AssociationPlan,
  target: AssociationTarget,
  config: ResolvedDimseConfig,
  log: Logger,
): void {
  client.on('connected', () => {
    state.connected = true;
  });
  client.on('associationAccepted', (association: DimseAssociation) => {
    state.markAccepted();
    log.debug({ peer: target.where }, 'dimse: association accepted');
    if (!plan.onAccepted) return;
    try {
      const keep = plan.onAccepted(association);
      for (const r of plan.requests) if (!keep.includes(r)) state.unanswered.delete(r);
      client.clearRequests();
      for (const r of keep) client.addRequest(r);
    } catch (e) {
      client.clearRequests();
      state.fail(e);
    }
  });
  client.on('associationRejected', (rj: { result: number; source: number; reason: number }) =>
    state.fail(rejected(target, config.callingAet, rj)),
  );
  client.on('networkError', (e: Error) => state.fail(connectionFailed(target, e, state, config)));
  client.on('closed', () => state.settle());
  client.on('cStoreRequest', (request: CStoreRequest, callback: (response: CStoreResponse) => void) =>
    answerIncomingStore(state, plan.onStore, request, callback),
  );
}

/** Connects and sends the A-ASSOCIATE-RQ, announcing our maximum PDU length. */
function sendAssociationRequest(client: DimseClient, config: ResolvedDimseConfig): void {
  const { peer, callingAet, associationTimeoutMs, dimseTimeoutMs } = config;
  // The A-ASSOCIATE-RQ is built inside send() from the library's global default: set ours around the call.
  const previousPdu = Implementation.getMaxPduLength();
  Implementation.setMaxPduLength(config.maxPduLength);
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
}

/**
 * Installs what the library's public API cannot do (`internals.ts`): role contexts in the request, incoming
 * C-STORE data sets kept as received, the peer's A-ABORT.
 * @returns false when the installed library is not the shape the hooks were written against
 */
function hookNetwork(
  client: DimseClient,
  state: AssociationState,
  plan: AssociationPlan,
  target: AssociationTarget,
  maxInstanceBytes: number,
): boolean {
  return installNetworkHooks(client, {
    beforeAssociationRequest: (association) => {
      try {
        proposeRoleContexts(association, plan.roleContexts ?? []);
      } catch (e) {
        state.fail(e);
      }
    },
    storeStream: {
      create: (context, request) => {
        const collector = new ChunkCollector(maxInstanceBytes, context.getAcceptedTransferSyntaxUid() ?? '');
        state.collectors.set(request, collector);
        return collector;
      },
      datasetFor: (_writable, context) => new Dataset({}, context.getAcceptedTransferSyntaxUid()),
    },
    onAbort: (source, reason) => state.fail(abortedByPeer(target, source, reason)),
  });
}
