import { MIMEType } from 'node:util';
import { describeThrown } from '../../common/index.js';
import {
  MaxFileSizeExceededError,
  MaxHeaderSizeExceededError,
  MultipartParseError,
  MultipartParser,
} from '@remix-run/multipart-parser';
import { PacsError, pacsError } from '../errors.js';
import type { OpenResponse } from './openRequest.js';
import { mediaType } from './readBody.js';

/** One body part of a multipart/related response: a whole application/dicom instance. */
export interface DicomPart {
  readonly bytes: Uint8Array;
  /** 0-based position in this response. */
  readonly index: number;
}

/**
 * The boundary of a WADO-RS `multipart/related; type="application/dicom"` response.
 * @throws PACS_ERR_BAD_RESPONSE for any other content type, a foreign `type`, or no boundary
 */
export function multipartBoundary(open: OpenResponse, method: string): string {
  const header = open.response.headers.get('content-type');
  const expected = 'multipart/related; type="application/dicom" with a boundary';
  const fail = (got: string): PacsError =>
    pacsError('PACS_ERR_BAD_RESPONSE', `${method} ${open.shownUrl}: expected Content-Type ${expected}, got ${got}`, {
      url: open.shownUrl,
      method,
      contentType: header ?? undefined,
    });
  let mime: MIMEType;
  try {
    mime = new MIMEType(header ?? '');
  } catch {
    throw fail(header === null ? 'none' : `"${header}"`);
  }
  if (mime.essence !== 'multipart/related') throw fail(`"${header}"`);
  const type = mime.params.get('type');
  // PS3.18 requires the type parameter; a server that leaves it out is tolerated, one that names another is not.
  if (type !== null && type.toLowerCase() !== 'application/dicom') throw fail(`type="${type}"`);
  const boundary = mime.params.get('boundary');
  if (boundary === null || boundary === '' || boundary.length > 70) throw fail('no usable boundary');
  return boundary;
}

/**
 * Streams the parts of a multipart/related body as they complete, with @remix-run/multipart-parser driven chunk by
 * chunk: only the part being received (plus one network chunk) is in memory, and the next chunk is read only when
 * the consumer asks for the next part. A part's own Content-Type and Content-Length, when given, are checked.
 * @param maxPartBytes - a larger part is refused before it is buffered whole
 * @throws PACS_ERR_MULTIPART (`details.truncated` when the body ended or broke before the closing boundary),
 *   PACS_ERR_TIMEOUT (the body stalled), PACS_ERR_CLOSED, or the caller's abort reason
 */
export async function* readDicomParts(
  open: OpenResponse,
  method: string,
  boundary: string,
  maxPartBytes: number,
): AsyncGenerator<DicomPart, void, undefined> {
  const body = open.response.body;
  const where = `${method} ${open.shownUrl}`;
  const multipartError = (what: string, truncated: boolean, cause?: unknown, index?: number): PacsError =>
    pacsError('PACS_ERR_MULTIPART', `${where}: ${what}`, { url: open.shownUrl, method, truncated, part: index }, cause);
  if (body === null) throw multipartError('expected a multipart body, got none', true);

  const parser = new MultipartParser(boundary, {
    maxHeaderSize: 16 * 1024,
    maxFileSize: maxPartBytes,
    maxParts: Number.MAX_SAFE_INTEGER,
    maxTotalSize: Number.POSITIVE_INFINITY,
  });
  const reader = body.getReader();
  let index = 0;
  let received = 0;
  let atStart = true;
  try {
    for (;;) {
      let chunk: Uint8Array;
      try {
        const r = await reader.read();
        if (r.done) break;
        chunk = r.value;
      } catch (e) {
        throw open.bodyError(e, (cause) =>
          multipartError(
            `expected the body up to its closing boundary, got the connection lost after ${received} bytes and ${index} complete part(s) (${describeThrown(cause)})`,
            true,
            cause,
          ),
        );
      }
      open.touch();
      received += chunk.length;
      if (atStart) {
        // The parser wants "--boundary" first; a leading CRLF (an empty preamble, RFC 2046 5.1.1) is dropped.
        let skip = 0;
        while (skip < chunk.length && (chunk[skip] === 0x0d || chunk[skip] === 0x0a)) skip++;
        chunk = chunk.subarray(skip);
        if (chunk.length === 0) continue;
        atStart = false;
      }
      try {
        for (const part of parser.write(chunk)) {
          const bytes = part.bytes;
          checkPart(part.headers, bytes.length, index, multipartError);
          open.pause(); // a slow consumer is not a stalled peer
          yield { bytes, index };
          open.touch();
          index++;
        }
      } catch (e) {
        if (e instanceof MultipartParseError) {
          // After the closing boundary the parser refuses more data; that data is an epilogue (RFC 2046), ignored.
          if (isFinished(parser)) break;
          throw mapParseError(e, index, maxPartBytes, multipartError);
        }
        throw e;
      }
    }
    if (!isFinished(parser)) {
      throw multipartError(
        `expected the closing boundary, got the end of the body after ${received} bytes and ${index} complete part(s)`,
        true,
      );
    }
  } finally {
    reader.releaseLock();
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

type MultipartErrorFn = (what: string, truncated: boolean, cause?: unknown, index?: number) => PacsError;

function mapParseError(e: MultipartParseError, index: number, maxPartBytes: number, fail: MultipartErrorFn): PacsError {
  if (e instanceof MaxFileSizeExceededError) {
    return fail(
      `part ${index} is larger than ${maxPartBytes} bytes: expected at most maxInstanceBytes`,
      false,
      e,
      index,
    );
  }
  if (e instanceof MaxHeaderSizeExceededError) {
    return fail(`part ${index} has headers over 16 KiB: expected a few MIME headers`, false, e, index);
  }
  return fail(`part ${index} is malformed: ${e.message}`, false, e, index);
}

function checkPart(
  headers: Readonly<Record<string, string | undefined>>,
  size: number,
  index: number,
  fail: MultipartErrorFn,
): void {
  const type = mediaType(headers['content-type'] ?? null);
  if (type !== '' && type !== 'application/dicom') {
    throw fail(`part ${index} has Content-Type "${type}": expected application/dicom`, false, undefined, index);
  }
  const declared = headers['content-length'];
  if (declared !== undefined && Number(declared) !== size) {
    throw fail(
      `part ${index} has ${size} bytes: expected its Content-Length ${declared}`,
      size < Number(declared),
      undefined,
      index,
    );
  }
}
