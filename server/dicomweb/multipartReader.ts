import { readMultipartParts, type MultipartFailure, type MultipartPart } from '../../pacs-adapters/index.js';
import { serverError } from '../errors.js';

/** One complete body part of a request. */
export type ReceivedPart = MultipartPart;

/**
 * Reads a STOW-RS `multipart/related` request body incrementally with pacs-adapters' `readMultipartParts` (the
 * reader of WADO-RS answers): each part is yielded as soon as its closing delimiter arrives, and the next network
 * chunk is read only when the consumer asks for the next part (back-pressure: a slow store holds the client). A
 * leading CRLF (empty preamble) and an epilogue after the close delimiter are tolerated (RFC 2046 5.1.1).
 * @param body - the request stream
 * @param boundary - from the Content-Type header
 * @param maxBytes - limit on the whole body as received
 * @throws SRV_ERR_PAYLOAD_TOO_LARGE past `maxBytes`; SRV_ERR_BAD_REQUEST (`details.truncated`) for a malformed
 *   body or one that ends before its close delimiter
 */
export function readMultipartBody(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  maxBytes: number,
): AsyncGenerator<ReceivedPart, void, undefined> {
  const refuse = (f: MultipartFailure): Error => {
    switch (f.kind) {
      case 'bodyTooLarge':
      case 'partTooLarge':
        return serverError(
          'SRV_ERR_PAYLOAD_TOO_LARGE',
          `STOW-RS body: expected at most ${maxBytes} bytes, got more than ${f.received} (${f.parts} complete part(s) before the limit)`,
          { field: 'body', maxBytes, partsBeforeLimit: f.parts },
        );
      case 'unclosed':
        return malformed(
          `expected "--${boundary}--" to close the body, got its end after ${f.received} bytes and ${f.parts} complete part(s)`,
          true,
          f,
        );
      default:
        return malformed(f.message, false, f);
    }
  };
  return readMultipartParts(body, boundary, { maxPartBytes: maxBytes, maxBodyBytes: maxBytes }, refuse);
}

function malformed(what: string, truncated: boolean, f: MultipartFailure): Error {
  return serverError(
    'SRV_ERR_BAD_REQUEST',
    `STOW-RS body: ${what}`,
    { field: 'body', truncated, completeParts: f.parts, bytes: f.received },
    f.cause,
  );
}
