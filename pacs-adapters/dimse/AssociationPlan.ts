import type { CStoreRequest, DimseAssociation, DimsePresentationContext, DimseRequest } from './library.js';

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

/** An association in progress, as `openAssociation` returns it. */
export interface RunningAssociation {
  /**
   * Resolves when every request got its final response (and the association was released); rejects with a
   * PacsError whose `details.retryable` says whether trying again may help, or with the abort signal's reason.
   */
  readonly done: Promise<void>;
  /** Sends an A-ABORT and closes the connection (a consumer stopped early); `done` then rejects or resolves. */
  abort(): void;
}
