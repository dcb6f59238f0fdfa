import type { Logger } from '../../common/index.js';
import type { RetryPolicy as NetRetryPolicy } from '../net/RetryPolicy.js';

/** How requests authenticate. Orthanc accepts only `basic`; `bearer` is for PACS behind an OAuth2 gateway. */
export type DicomWebAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | { readonly kind: 'bearer'; readonly token: string };

/**
 * Retry policy for idempotent requests only (QIDO-RS and WADO-RS GETs). STOW-RS POSTs are never retried: a retry
 * could store an instance twice on a PACS that does not deduplicate; a failed store is reported per instance instead.
 */
export type RetryPolicy = NetRetryPolicy;

/** Settings of one DICOMweb connection, as the caller gives them. */
export interface DicomWebConfig {
  /** DICOMweb root, e.g. "http://127.0.0.1:8042/dicom-web" (http or https, no query, no fragment). */
  readonly baseUrl: string;
  readonly auth?: DicomWebAuth;
  /**
   * Milliseconds to wait for response headers, and then between two chunks of a body (an idle timeout, so a
   * 600-slice retrieve is not cut for being long, only for stalling). Default 30 000.
   */
  readonly timeoutMs?: number;
  readonly retries?: Partial<RetryPolicy>;
  /** STOW-RS: at most this many instances per request (default 16). */
  readonly storeBatchSize?: number;
  /** STOW-RS: a batch is sent once its instances reach this many bytes (default 32 MiB); bounds memory. */
  readonly storeBatchBytes?: number;
  /** A retrieved part larger than this is refused (default 1 GiB). */
  readonly maxInstanceBytes?: number;
  /** QIDO page size when listing the instances of a series (default 1000). */
  readonly qidoPageSize?: number;
  /** Parent logger; the adapter logs through a child `{ module: 'pacs-adapters/dicomweb' }`. Default: silent. */
  readonly logger?: Logger;
}

/** The validated, frozen settings the adapter runs with. */
export interface ResolvedDicomWebConfig {
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  readonly auth: DicomWebAuth;
  readonly timeoutMs: number;
  readonly retries: RetryPolicy;
  readonly storeBatchSize: number;
  readonly storeBatchBytes: number;
  readonly maxInstanceBytes: number;
  readonly qidoPageSize: number;
}

export const DICOMWEB_DEFAULTS = Object.freeze({
  auth: Object.freeze({ kind: 'none' }) as DicomWebAuth,
  timeoutMs: 30_000,
  retries: Object.freeze({ attempts: 3, baseDelayMs: 250, maxDelayMs: 5_000 }) as RetryPolicy,
  storeBatchSize: 16,
  storeBatchBytes: 32 * 1024 * 1024,
  maxInstanceBytes: 1024 * 1024 * 1024,
  qidoPageSize: 1000,
});
