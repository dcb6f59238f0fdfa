import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type {
  CStoreRequest,
  DimseAssociation,
  DimseClient,
  DimseDataset,
  DimsePresentationContext,
} from './library.js';

/**
 * The only place that reaches past dcmjs-dimse's public API (pinned to an exact version in package.json). A Client
 * creates its Network (the association state machine) inside `send()`, as `client.network`, and exposes no hook for
 * C-STORE sub-operations on a C-GET association other than a parsed data set. To keep retrieved instances
 * byte-for-byte (no dcmjs parse and re-encode), the Network's two documented stream hooks, which its `Scp` subclass
 * lets SCPs override, are replaced on that one instance; and to propose storage contexts with the SCP role for the
 * transfer syntaxes a C-GET needs, its `sendAssociationRequest` is wrapped. The test suite fails if this changes.
 */
interface NetworkInternals {
  socket: Socket;
  sendAssociationRequest(association: DimseAssociation): void;
  createStoreWritableStream(context: DimsePresentationContext, request: CStoreRequest): Writable;
  createDatasetFromStoreWritableStream(
    writable: Writable,
    context: DimsePresentationContext,
    callback: (dataset: DimseDataset) => void,
  ): void;
  on(event: 'abort', listener: (e: { source: number; reason: number }) => void): unknown;
}

function networkOf(client: DimseClient): NetworkInternals | undefined {
  const network = (client as unknown as { network?: Partial<NetworkInternals> }).network;
  if (
    network === undefined ||
    typeof network.createStoreWritableStream !== 'function' ||
    typeof network.createDatasetFromStoreWritableStream !== 'function' ||
    typeof network.sendAssociationRequest !== 'function' ||
    typeof network.on !== 'function'
  ) {
    return undefined;
  }
  return network as NetworkInternals;
}

/** Hooks of one association, installed right after `client.send()` (before any byte arrives). */
export interface NetworkHooks {
  /** Replaces the stream a C-STORE data set is written to; the dataset handed on is `datasetFor(writable)`. */
  readonly storeStream?: {
    create(context: DimsePresentationContext, request: CStoreRequest): Writable;
    datasetFor(writable: Writable, context: DimsePresentationContext): DimseDataset;
  };
  /** The peer sent an A-ABORT. */
  readonly onAbort?: (source: number, reason: number) => void;
  /**
   * Edits the A-ASSOCIATE-RQ just before it is written (through the public Association API). The only way to propose
   * presentation contexts with the SCP role beyond the library's fixed list: `addAdditionalPresentationContext`
   * drops roles.
   */
  readonly beforeAssociationRequest?: (association: DimseAssociation) => void;
}

/**
 * Installs hooks on the Network `client.send()` just created.
 * @returns false when the library's shape is not the one this module was written against
 */
export function installNetworkHooks(client: DimseClient, hooks: NetworkHooks): boolean {
  const network = networkOf(client);
  if (!network) return false;
  // DIMSE is request/response with small PDUs: Nagle's algorithm would hold each one for a delayed ACK (~40 ms).
  network.socket.setNoDelay(true);
  if (hooks.storeStream) {
    const store = hooks.storeStream;
    network.createStoreWritableStream = (context, request) => store.create(context, request);
    network.createDatasetFromStoreWritableStream = (writable, context, callback) =>
      callback(store.datasetFor(writable, context));
  }
  if (hooks.beforeAssociationRequest) {
    const edit = hooks.beforeAssociationRequest;
    const send = network.sendAssociationRequest.bind(network);
    network.sendAssociationRequest = (association) => {
      edit(association);
      send(association);
    };
  }
  if (hooks.onAbort) {
    const onAbort = hooks.onAbort;
    network.on('abort', (e) => onAbort(e.source, e.reason));
  }
  return true;
}

/** Closes the association's socket at once (after an abort, a timeout or a cancelled retrieve). */
export function destroyConnection(client: DimseClient): void {
  const network = networkOf(client);
  network?.socket?.destroy();
}
