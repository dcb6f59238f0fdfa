import type { Logger } from '../../common/index.js';
import type { RetryPolicy } from '../net/RetryPolicy.js';

/** A DICOM application entity on the network. */
export interface DimsePeer {
  /** Its AE title (1-16 characters of the default repertoire, no backslash). */
  readonly aet: string;
  readonly host: string;
  readonly port: number;
}

/**
 * How `retrieveSeries` gets instances. C-GET (default) brings them back on the same association: no port to open,
 * no AE title to register at the PACS beyond ours. C-MOVE asks the PACS to open an association to an SCP of ours,
 * which the adapter runs on `port` while it retrieves; the PACS must know `destinationAet` with this host and port.
 */
export type DimseRetrieve =
  | { readonly mode: 'get' }
  | {
      readonly mode: 'move';
      /** The AE title the PACS knows our SCP by (its "modality" entry). */
      readonly destinationAet: string;
      /** The TCP port our SCP listens on; the PACS entry must name it. */
      readonly port: number;
      /** Address to listen on (default 127.0.0.1; use 0.0.0.0 or the NIC's address for a PACS on another host). */
      readonly listenHost?: string;
    };

/**
 * Retries of an association that failed (unreachable, timed out, aborted, transiently rejected). Only work without
 * a final answer is tried again: a retrieve skips instances already yielded, a store re-sends only instances with
 * no C-STORE response, so a PACS never receives a second copy of a SOP instance it acknowledged.
 */
export type DimseRetryPolicy = RetryPolicy;

/** Settings of one DIMSE connection, as the caller gives them. */
export interface DimseConfig {
  /** Our AE title, sent as the calling AE title. */
  readonly callingAet: string;
  /** The PACS (called AE title, host, port). */
  readonly peer: DimsePeer;
  /** Milliseconds from connecting until the association is accepted (default 10 000). */
  readonly associationTimeoutMs?: number;
  /**
   * Milliseconds the peer may stay silent during an operation (default 30 000): an idle timeout, checked once a
   * second by the library, so a long retrieve is not cut for being long, only for stalling.
   */
  readonly dimseTimeoutMs?: number;
  /** Largest PDU we accept, announced in the association request (default 262 144, at most 4 MiB). */
  readonly maxPduLength?: number;
  readonly retrieve?: DimseRetrieve;
  readonly retries?: Partial<DimseRetryPolicy>;
  /** C-STORE: at most this many instances per association (default 16). */
  readonly storeBatchSize?: number;
  /** C-STORE: a batch is sent once its instances reach this many bytes (default 32 MiB); bounds memory. */
  readonly storeBatchBytes?: number;
  /** A received instance larger than this is refused with status 0xA700 (default 1 GiB). */
  readonly maxInstanceBytes?: number;
  /** A C-FIND matching more than this is cancelled with PACS_ERR_DIMSE_TOO_MANY_MATCHES (default 10 000). */
  readonly maxFindResults?: number;
  /** Retrieved instances buffered ahead of the consumer (default 2); the peer waits when the buffer is full. */
  readonly retrieveBufferSize?: number;
  /** Parent logger; the adapter logs through a child `{ module: 'pacs-adapters/dimse' }`. Default: silent. */
  readonly logger?: Logger;
}

/** The validated, frozen settings the adapter runs with. */
export interface ResolvedDimseConfig {
  readonly callingAet: string;
  readonly peer: DimsePeer;
  readonly associationTimeoutMs: number;
  readonly dimseTimeoutMs: number;
  readonly maxPduLength: number;
  readonly retrieve: DimseRetrieve;
  readonly retries: DimseRetryPolicy;
  readonly storeBatchSize: number;
  readonly storeBatchBytes: number;
  readonly maxInstanceBytes: number;
  readonly maxFindResults: number;
  readonly retrieveBufferSize: number;
}

export const DIMSE_DEFAULTS = Object.freeze({
  associationTimeoutMs: 10_000,
  dimseTimeoutMs: 30_000,
  maxPduLength: 262_144,
  retrieve: Object.freeze({ mode: 'get' }) as DimseRetrieve,
  retries: Object.freeze({ attempts: 3, baseDelayMs: 250, maxDelayMs: 5_000 }) as DimseRetryPolicy,
  storeBatchSize: 16,
  storeBatchBytes: 32 * 1024 * 1024,
  maxInstanceBytes: 1024 * 1024 * 1024,
  maxFindResults: 10_000,
  retrieveBufferSize: 2,
});
