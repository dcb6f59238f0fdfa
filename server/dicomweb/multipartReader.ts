import {
  MaxFileSizeExceededError,
  MaxHeaderSizeExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  MultipartParser,
  type MultipartHeaders,
} from '@remix-run/multipart-parser';
import { serverError } from '../errors.js';

/** One complete body part of a request. */
export interface ReceivedPart {
  /** 0-based position in the body. */
  readonly index: number;
  readonly headers: MultipartHeaders;
  readonly bytes: Uint8Array;
}

const tooLarge = (maxBytes: number, received: number, parts: number): Error =>
  serverError(
    'SRV_ERR_PAYLOAD_TOO_LARGE',
    `STOW-RS body: expected at most ${maxBytes} bytes, got more than ${received} (${parts} complete part(s) before the limit)`,
    { field: 'body', maxBytes, partsBeforeLimit: parts },
  );

/**
 * Reads a `multipart/related` request body incrementally with @remix-run/multipart-parser (the library
 * pacs-adapters/dicomweb uses for WADO-RS answers): each part is yielded as soon as its closing delimiter
 * arrives, and the next network chunk is read only when the consumer asks for the next part (back-pressure: a
 * slow store holds the client). A leading CRLF (empty preamble) and an epilogue after the close delimiter are
 * tolerated (RFC 2046 5.1.1).
 * @param body - the request stream
 * @param boundary - from the Content-Type header
 * @param maxBytes - limit on the whole body as received
 * @throws SRV_ERR_PAYLOAD_TOO_LARGE past `maxBytes`; SRV_ERR_BAD_REQUEST (`details.truncated`) for a malformed
 *   body or one that ends before its close delimiter
 */
export async function* readMultipartBody(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  maxBytes: number,
): AsyncGenerator<ReceivedPart, void, undefined> {
  const parser = new MultipartParser(boundary, {
    maxHeaderSize: 16 * 1024,
    maxFileSize: maxBytes,
    maxParts: Number.MAX_SAFE_INTEGER,
    maxTotalSize: maxBytes,
  });
  let received = 0;
  let index = 0;
  let atStart = true;
  const malformed = (what: string, truncated: boolean, cause?: unknown): Error =>
    serverError(
      'SRV_ERR_BAD_REQUEST',
      `STOW-RS body: ${what}`,
      { field: 'body', truncated, completeParts: index, bytes: received },
      cause,
    );

  for await (const raw of body) {
    received += raw.length;
    if (received > maxBytes) throw tooLarge(maxBytes, received - raw.length, index);
    let chunk = raw;
    if (atStart) {
      let skip = 0;
      while (skip < chunk.length && (chunk[skip] === 0x0d || chunk[skip] === 0x0a)) skip++;
      chunk = chunk.subarray(skip);
      if (chunk.length === 0) continue;
      atStart = false;
    }
    try {
      for (const part of parser.write(chunk)) {
        yield { index, headers: part.headers, bytes: part.bytes };
        index++;
      }
    } catch (e) {
      if (!(e instanceof MultipartParseError)) throw e;
      if (isFinished(parser)) return; // data after the close delimiter: an epilogue, ignored
      if (e instanceof MaxFileSizeExceededError || e instanceof MaxTotalSizeExceededError) {
        throw tooLarge(maxBytes, received, index);
      }
      if (e instanceof MaxHeaderSizeExceededError) {
        throw malformed(`part ${index} has headers over 16 KiB: expected a few MIME headers`, false, e);
      }
      throw malformed(`part ${index} is malformed: ${e.message}`, false, e);
    }
  }
  if (!isFinished(parser)) {
    throw malformed(
      `expected "--${boundary}--" to close the body, got its end after ${received} bytes and ${index} complete part(s)`,
      true,
    );
  }
}

function isFinished(parser: MultipartParser): boolean {
  try {
    parser.finish();
    return true;
  } catch {
    return false;
  }
}
