import type { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { describeThrown, type Logger } from '../../common/index.js';
import { PacsError } from '../errors.js';
import { ChunkCollector } from './ChunkCollector.js';
import {
  Dataset,
  Implementation,
  Scp,
  constants,
  responses,
  type CStoreRequest,
  type CStoreResponse,
  type DimseAssociation,
  type DimseDataset,
  type DimsePresentationContext,
} from './library.js';
import { wrapPart10 } from './part10.js';
import { describeAbort } from './rejection.js';
import { STATUS, describeStatus } from './status.js';
import { VERIFICATION_SOP_CLASS, chooseTransferSyntax } from './storageClasses.js';

const { PresentationContextResult, RejectResult, RejectSource, RejectReason } = constants;
type ScpBase = InstanceType<typeof Scp>;

/** What the SCP tells the callback about an instance besides its bytes. */
export interface ReceivedInstanceInfo {
  readonly callingAet: string;
  readonly calledAet: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  /** The transfer syntax it arrived in (also in the bytes' File Meta). */
  readonly transferSyntaxUid: string;
  readonly remoteAddress: string;
}

/**
 * What the callback may return to choose the C-STORE status (default 0x0000): e.g. `{ status: 0xB000 }` for a
 * warning, `{ status: 0xA700, comment: 'disk full' }` to refuse. A thrown error answers 0xC000 for unreadable
 * DICOM (PACS_ERR_NOT_DICOM, PARSE, MISSING_ATTRIBUTE, BAD_ATTRIBUTE) and 0x0110 otherwise, its code as comment.
 */
export interface StoreScpVerdict {
  readonly status: number;
  /** Error Comment (0000,0902), at most 64 characters; never put patient data here. */
  readonly comment?: string;
}

export type StoreScpHandler = (
  bytes: Uint8Array,
  callingAet: string,
  info: ReceivedInstanceInfo,
) => Promise<StoreScpVerdict | void> | StoreScpVerdict | void;

/** What every connection of one SCP shares (built by startStoreScp). */
export interface ScpShared {
  readonly aet: string;
  readonly onInstance: StoreScpHandler;
  readonly acceptCallingAets: ReadonlySet<string> | undefined;
  readonly checkCalledAet: boolean;
  readonly sopClasses: ReadonlySet<string>;
  readonly transferSyntaxes: ReadonlySet<string>;
  readonly maxInstanceBytes: number;
  readonly maxPduLength: number;
  readonly maxAssociations: number;
  readonly log: Logger;
  /** Associations now open (this one included). */
  openAssociations(): number;
  /** Registers a callback in flight, so stop() can wait for it. */
  track(work: Promise<void>): void;
}

const UNREADABLE = new Set([
  'PACS_ERR_NOT_DICOM',
  'PACS_ERR_PARSE',
  'PACS_ERR_MISSING_ATTRIBUTE',
  'PACS_ERR_BAD_ATTRIBUTE',
]);

/**
 * One incoming association of the C-STORE SCP (dcmjs-dimse calls these overrides). It accepts Verification and the
 * configured storage SOP classes, writes nothing itself, and answers each C-STORE once the callback settled.
 */
export class StoreScpConnection extends Scp {
  readonly #shared: ScpShared;
  readonly #socket: Socket;
  readonly #remoteAddress: string;
  readonly #collectors = new WeakMap<CStoreRequest, ChunkCollector>();
  #callingAet = '';
  #calledAet = '';

  constructor(socket: Socket, options: { connectTimeout: number }, shared: ScpShared) {
    super(socket, options);
    this.#shared = shared;
    this.#socket = socket;
    this.#remoteAddress = socket.remoteAddress ?? '';
  }

  override associationRequested(association: DimseAssociation): void {
    const s = this.#shared;
    try {
      this.#callingAet = association.getCallingAeTitle().trim();
      this.#calledAet = association.getCalledAeTitle().trim();
      const log = s.log.child({ callingAet: this.#callingAet, remote: this.#remoteAddress });
      if (s.openAssociations() > s.maxAssociations) {
        log.warn({ maxAssociations: s.maxAssociations }, 'dimse scp: association rejected, too many open');
        this.sendAssociationReject(
          RejectResult.Transient,
          RejectSource.ServiceProviderPresentation,
          RejectReason.LocalLimitExceeded,
        );
        return;
      }
      if (s.checkCalledAet && this.#calledAet !== s.aet) {
        log.warn({ calledAet: this.#calledAet }, 'dimse scp: association rejected, called AE title is not ours');
        this.sendAssociationReject(
          RejectResult.Permanent,
          RejectSource.ServiceUser,
          RejectReason.CalledAeNotRecognized,
        );
        return;
      }
      if (s.acceptCallingAets && !s.acceptCallingAets.has(this.#callingAet)) {
        log.warn('dimse scp: association rejected, calling AE title not allowed');
        this.sendAssociationReject(
          RejectResult.Permanent,
          RejectSource.ServiceUser,
          RejectReason.CallingAeNotRecognized,
        );
        return;
      }
      let accepted = 0;
      for (const { id } of association.getPresentationContexts()) {
        const pc = association.getPresentationContext(id);
        const abstract = pc.getAbstractSyntaxUid();
        const supported = abstract === VERIFICATION_SOP_CLASS || s.sopClasses.has(abstract);
        if (!supported) {
          pc.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          continue;
        }
        const ts = chooseTransferSyntax(pc.getTransferSyntaxUids(), s.transferSyntaxes);
        if (ts) {
          pc.setResult(PresentationContextResult.Accept, ts);
          accepted++;
        } else {
          pc.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
        }
      }
      log.debug(
        { accepted, proposed: association.getPresentationContexts().length },
        'dimse scp: association accepted',
      );
      // The A-ASSOCIATE-AC takes its max PDU length from the library's global default: set ours around the call.
      const previous = Implementation.getMaxPduLength();
      Implementation.setMaxPduLength(s.maxPduLength);
      try {
        this.sendAssociationAccept();
      } finally {
        Implementation.setMaxPduLength(previous);
      }
    } catch (e) {
      s.log.error({ err: describeThrown(e) }, 'dimse scp: association request failed');
      this.sendAssociationReject(RejectResult.Transient, RejectSource.ServiceUser, RejectReason.NoReasonGiven);
    }
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override cEchoRequest(...[request, callback]: Parameters<ScpBase['cEchoRequest']>): void {
    const response = responses.CEchoResponse.fromRequest(request);
    response.setStatus(STATUS.SUCCESS);
    callback(response);
  }

  override createStoreWritableStream(context: DimsePresentationContext, request: CStoreRequest): Writable {
    const collector = new ChunkCollector(this.#shared.maxInstanceBytes, context.getAcceptedTransferSyntaxUid() ?? '');
    this.#collectors.set(request, collector);
    return collector;
  }

  override createDatasetFromStoreWritableStream(
    _writable: Writable,
    context: DimsePresentationContext,
    callback: (dataset: DimseDataset) => void,
  ): void {
    // The bytes stay in the collector; the library only needs a Dataset object to attach to the request.
    callback(new Dataset({}, context.getAcceptedTransferSyntaxUid()));
  }

  override cStoreRequest(request: CStoreRequest, callback: (response: CStoreResponse) => void): void {
    const s = this.#shared;
    const respond = (status: number, comment?: string): void => {
      const response = responses.CStoreResponse.fromRequest(request);
      response.setStatus(status);
      if (comment) response.setErrorComment(comment.slice(0, 64));
      callback(response);
    };
    const collector = this.#collectors.get(request);
    this.#collectors.delete(request);
    const sopInstanceUid = String(request.getAffectedSopInstanceUid() ?? '').trim();
    const sopClassUid = String(request.getAffectedSopClassUid() ?? '').trim();
    if (!collector) {
      respond(STATUS.PROCESSING_FAILURE, 'no data set received');
      return;
    }
    if (collector.overflowed) {
      s.log.warn({ sopInstanceUid, bytes: collector.size, max: s.maxInstanceBytes }, 'dimse scp: instance too large');
      respond(STATUS.OUT_OF_RESOURCES, `instance exceeds ${s.maxInstanceBytes} bytes`);
      return;
    }
    const info: ReceivedInstanceInfo = {
      callingAet: this.#callingAet,
      calledAet: this.#calledAet,
      sopClassUid,
      sopInstanceUid,
      transferSyntaxUid: collector.transferSyntaxUid,
      remoteAddress: this.#remoteAddress,
    };
    const bytes = wrapPart10(collector.bytes(), {
      sopClassUid,
      sopInstanceUid,
      transferSyntaxUid: collector.transferSyntaxUid,
      sourceAet: this.#callingAet,
    });
    s.track(
      (async () => {
        try {
          const verdict = await s.onInstance(bytes, this.#callingAet, info);
          const status = verdict?.status ?? STATUS.SUCCESS;
          s.log.debug({ sopInstanceUid, status: describeStatus(status) }, 'dimse scp: instance received');
          respond(status, verdict?.comment);
        } catch (e) {
          const code = e instanceof PacsError ? e.code : 'error';
          const status = UNREADABLE.has(code) ? STATUS.CANNOT_UNDERSTAND : STATUS.PROCESSING_FAILURE;
          s.log.warn({ sopInstanceUid, code, err: describeThrown(e) }, 'dimse scp: onInstance failed');
          respond(status, code);
        }
      })(),
    );
  }

  override cFindRequest(...[request, callback]: Parameters<ScpBase['cFindRequest']>): void {
    const response = responses.CFindResponse.fromRequest(request);
    response.setStatus(STATUS.SOP_CLASS_NOT_SUPPORTED);
    callback([response]);
  }

  override cMoveRequest(...[request, callback]: Parameters<ScpBase['cMoveRequest']>): void {
    const response = responses.CMoveResponse.fromRequest(request);
    response.setStatus(STATUS.SOP_CLASS_NOT_SUPPORTED);
    callback([response]);
  }

  override cGetRequest(...[request, callback]: Parameters<ScpBase['cGetRequest']>): void {
    const response = responses.CGetResponse.fromRequest(request);
    response.setStatus(STATUS.SOP_CLASS_NOT_SUPPORTED);
    callback([response]);
  }

  override cCancelRequest(): void {
    // Nothing to cancel: C-STORE is not cancellable and FIND/GET/MOVE are refused.
  }

  /** The peer sent an A-ABORT: close the connection (PS3.8 7.1.3.2; dcmtk waits for it before exiting). */
  override abort(source: number, reason: number): void {
    this.#shared.log.info(
      { callingAet: this.#callingAet, why: describeAbort(source, reason) },
      'dimse scp: peer aborted',
    );
    this.#socket.destroy();
  }
}
