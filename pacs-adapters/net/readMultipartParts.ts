import {
  MaxFileSizeExceededError,
  MaxHeaderSizeExceededError,
  MaxTotalSizeExceededError,
  MultipartParseError,
  MultipartParser,
  type MultipartHeaders,
} from '@remix-run/multipart-parser';

/** One complete body part of a multipart body. */
export interface MultipartPart {
  /** 0-based position in the body. */
  readonly index: number;
  /** Its MIME headers, names in lower case. */
  readonly headers: MultipartHeaders;
  readonly bytes: Uint8Array;
}

/** What one body may hold. */
export interface MultipartLimits {
  /** A larger part is refused before it is buffered whole. */
  readonly maxPartBytes: number;
  /** The whole body as received, preamble and epilogue included; default: no limit. */
  readonly maxBodyBytes?: number;
}

/**
 * Why a body was refused. `headersTooLarge` is also what a part without a header section reads as: the parser then
 * takes its bytes for headers of the next part.
 */
export type MultipartFailureKind = 'bodyTooLarge' | 'partTooLarge' | 'headersTooLarge' | 'malformed' | 'unclosed';

/** A refused body, for the caller to turn into its own error (each side of DICOMweb reports it differently). */
export interface MultipartFailure {
  readonly kind: MultipartFailureKind;
  /** Says what was wrong in the words both callers use, e.g. "part 2 is malformed: …". */
  readonly message: string;
  /** Bytes read when it was found; for a body past `maxBodyBytes`, those before the chunk that crossed the limit. */
  readonly received: number;
  /** Parts complete (and yielded) before it; the index of the part at fault. */
  readonly parts: number;
  /** The parser's error, where it found the fault. */
  readonly cause?: MultipartParseError;
}

/** MIME headers of one part are a few lines; more is a malformed (or header-less) part. */
const MAX_HEADER_BYTES = 16 * 1024;

/**
 * Streams the parts of a multipart body as they complete, with @remix-run/multipart-parser driven chunk by chunk:
 * only the part being received (plus one chunk) is in memory, and the next chunk is read only when the consumer
 * asks for the next part (back-pressure). A leading CRLF (empty preamble) and an epilogue after the close
 * delimiter are tolerated (RFC 2046 5.1.1). Errors thrown by `body` pass through as they are.
 * @param body - the body's chunks, e.g. an HTTP request stream
 * @param boundary - from the Content-Type header
 * @param refuse - turns a refused body into the error to throw
 * @throws what `refuse` returns
 * @example
 * for await (const part of readMultipartParts(req, boundary, { maxPartBytes }, (f) => new Error(f.message))) { … }
 */
export async function* readMultipartParts(
  body: AsyncIterable<Uint8Array>,
  boundary: string,
  limits: MultipartLimits,
  refuse: (failure: MultipartFailure) => unknown,
): AsyncGenerator<MultipartPart, void, undefined> {
  const maxBodyBytes = limits.maxBodyBytes ?? Number.POSITIVE_INFINITY;
  const parser = new MultipartParser(boundary, {
    maxHeaderSize: MAX_HEADER_BYTES,
    maxFileSize: limits.maxPartBytes,
    maxParts: Number.MAX_SAFE_INTEGER,
    maxTotalSize: maxBodyBytes,
  });
  let received = 0;
  let index = 0;
  let atStart = true;
  for await (const raw of body) {
    if (received + raw.length > maxBodyBytes) {
      throw refuse({ kind: 'bodyTooLarge', message: bodyTooLarge(maxBodyBytes), received, parts: index });
    }
    received += raw.length;
    let chunk = raw;
    if (atStart) {
      // The parser wants "--boundary" first.
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
      // The parser refuses data after the close delimiter: an epilogue, ignored.
      if (isFinished(parser)) return;
      throw refuse(parseFailure(e, index, received, limits.maxPartBytes, maxBodyBytes));
    }
  }
  if (!isFinished(parser)) {
    const message = `expected the closing boundary, got the end of the body after ${received} bytes and ${index} complete part(s)`;
    throw refuse({ kind: 'unclosed', message, received, parts: index });
  }
}

function parseFailure(
  e: MultipartParseError,
  index: number,
  received: number,
  maxPartBytes: number,
  maxBodyBytes: number,
): MultipartFailure {
  const at = { received, parts: index, cause: e };
  if (e instanceof MaxFileSizeExceededError) {
    return { kind: 'partTooLarge', message: `part ${index} is larger than ${maxPartBytes} bytes`, ...at };
  }
  if (e instanceof MaxTotalSizeExceededError) {
    return { kind: 'bodyTooLarge', message: bodyTooLarge(maxBodyBytes), ...at };
  }
  if (e instanceof MaxHeaderSizeExceededError) {
    return {
      kind: 'headersTooLarge',
      message: `part ${index} has headers over 16 KiB: expected a few MIME headers`,
      ...at,
    };
  }
  return { kind: 'malformed', message: `part ${index} is malformed: ${e.message}`, ...at };
}

function bodyTooLarge(maxBodyBytes: number): string {
  return `the body is larger than ${maxBodyBytes} bytes`;
}

function isFinished(parser: MultipartParser): boolean {
  try {
    parser.finish();
    return true;
  } catch {
    return false;
  }
}
