import { PacsError, pacsError } from '../errors.js';
import type { RetryRule } from '../net/withRetries.js';

/** Statuses worth another try of an idempotent request: the peer or something in front of it was briefly unable. */
const RETRIABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/**
 * The typed error for an HTTP status an operation does not accept: 401/403 -> PACS_ERR_AUTH, 404 ->
 * PACS_ERR_NOT_FOUND, anything else -> PACS_ERR_HTTP. The body is not quoted (it may echo query values).
 * @param expected - what the operation wanted, e.g. "HTTP 200 with application/dicom+json"
 */
export function statusError(method: string, shownUrl: string, response: Response, expected: string): PacsError {
  const got = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const details = { url: shownUrl, method, status: response.status };
  if (response.status === 401 || response.status === 403) {
    const challenge = response.headers.get('www-authenticate');
    return pacsError(
      'PACS_ERR_AUTH',
      `${method} ${shownUrl}: expected ${expected}, got ${got}: the PACS refused ${response.status === 401 ? 'the credentials' : 'access'}${challenge ? ` (it asks for: ${challenge})` : ''}`,
      { ...details, challenge: challenge ?? undefined },
    );
  }
  if (response.status === 404) {
    return pacsError('PACS_ERR_NOT_FOUND', `${method} ${shownUrl}: expected ${expected}, got ${got}`, details);
  }
  return pacsError('PACS_ERR_HTTP', `${method} ${shownUrl}: expected ${expected}, got ${got}`, details);
}

/**
 * True when another try of an idempotent request may succeed: the peer was unreachable, too slow, cut a body short,
 * or answered 408/429/5xx. Auth, not-found, content-type and parse errors are final.
 */
export function isRetryable(e: unknown): boolean {
  if (!(e instanceof PacsError)) return false;
  switch (e.code) {
    case 'PACS_ERR_UNREACHABLE':
    case 'PACS_ERR_TIMEOUT':
      return true;
    case 'PACS_ERR_MULTIPART':
      return e.details.truncated === true;
    case 'PACS_ERR_HTTP':
      return typeof e.details.status === 'number' && RETRIABLE_STATUS.has(e.details.status);
    default:
      return false;
  }
}

/** The same error with the number of attempts made in its details and message. */
export function withAttempts(e: PacsError, attempts: number): PacsError {
  if (attempts <= 1) return e;
  return pacsError(e.code, `${e.message} (gave up after ${attempts} attempts)`, { ...e.details, attempts }, e.cause);
}

/** How DICOMweb GETs retry (`withRetries` in ../net): the last error says how many requests were made. */
export const DICOMWEB_RETRY: RetryRule = Object.freeze({
  protocol: 'dicomweb',
  isRetryable,
  giveUp: (e: unknown, attempts: number) => (e instanceof PacsError ? withAttempts(e, attempts) : e),
});
