import { MIMEType } from 'node:util';
import { describeThrown } from '../../common/index.js';
import { PacsError, pacsError } from '../errors.js';
import { readMultipartParts, type MultipartFailure, type MultipartPart } from '../net/readMultipartParts.js';
import type { OpenResponse } from './openRequest.js';
import { mediaType } from './readBody.js';

/** One body part of a multipart/related response: a whole application/dicom instance, or bulk data. */
export interface DicomPart {
  readonly bytes: Uint8Array;
  /** 0-based position in this response. */
  readonly index: number;
  /** The part's media type, lower case ("" when the part has no Content-Type). */
  readonly mediaType: string;
  /** The part's `transfer-syntax` parameter, when given (bulk data parts name their syntax so). */
  readonly transferSyntax?: string;
}

/** The media types of a WADO-RS instance retrieve: whole Part 10 instances. */
export const DICOM_PART_TYPES: ReadonlySet<string> = new Set(['application/dicom']);

/**
 * The boundary of a WADO-RS `multipart/related; type="application/dicom"` response (or of another `type` in
 * `types`, lower case: the video bulk data retrieve takes video/* and application/octet-stream).
 * @throws PACS_ERR_BAD_RESPONSE for any other content type, a foreign `type`, or no boundary
 */
export function multipartBoundary(
  open: OpenResponse,
  method: string,
  types: ReadonlySet<string> = DICOM_PART_TYPES,
): string {
  const header = open.response.headers.get('content-type');
  const expected = `multipart/related; type="${[...types].join('" or "')}" with a boundary`;
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
  if (type !== null && !types.has(type.toLowerCase())) throw fail(`type="${type}"`);
  const boundary = mime.params.get('boundary');
  if (boundary === null || boundary === '' || boundary.length > 70) throw fail('no usable boundary');
  return boundary;
}

/**
 * Streams the DICOM parts of a multipart/related response as they complete (`readMultipartParts` in ../net): only
 * the part being received (plus one network chunk) is in memory, and the next chunk is read only when the consumer
 * asks for the next part. A part's own Content-Type and Content-Length, when given, are checked.
 * @param maxPartBytes - a larger part is refused before it is buffered whole
 * @param types - the part media types accepted (lower case); a part without a Content-Type is taken as the first
 * @throws PACS_ERR_MULTIPART (`details.truncated` when the body ended or broke before the closing boundary),
 *   PACS_ERR_TIMEOUT (the body stalled), PACS_ERR_CLOSED, or the caller's abort reason
 */
export async function* readDicomParts(
  open: OpenResponse,
  method: string,
  boundary: string,
  maxPartBytes: number,
  types: ReadonlySet<string> = DICOM_PART_TYPES,
): AsyncGenerator<DicomPart, void, undefined> {
  const body = open.response.body;
  const where = `${method} ${open.shownUrl}`;
  const multipartError = (what: string, truncated: boolean, cause?: unknown, index?: number): PacsError =>
    pacsError('PACS_ERR_MULTIPART', `${where}: ${what}`, { url: open.shownUrl, method, truncated, part: index }, cause);
  if (body === null) throw multipartError('expected a multipart body, got none', true);

  let complete = 0;
  const chunks = bodyChunks(open, body, (received, cause) =>
    multipartError(
      `expected the body up to its closing boundary, got the connection lost after ${received} bytes and ${complete} complete part(s) (${describeThrown(cause)})`,
      true,
      cause,
    ),
  );
  const refuse = (f: MultipartFailure): PacsError => {
    if (f.kind === 'unclosed') return multipartError(f.message, true);
    const what = f.kind === 'partTooLarge' ? `${f.message}: expected at most maxInstanceBytes` : f.message;
    return multipartError(what, false, f.cause, f.parts);
  };
  for await (const part of readMultipartParts(chunks, boundary, { maxPartBytes }, refuse)) {
    const { mediaType: type, transferSyntax } = checkPart(part, multipartError, types);
    open.pause(); // a slow consumer is not a stalled peer
    yield { bytes: part.bytes, index: part.index, mediaType: type, transferSyntax };
    open.touch();
    complete++;
  }
}

/**
 * The body's chunks, restarting the idle timer after each one read.
 * @param onBreak - the error for a connection lost mid-body, given the bytes read before it
 */
async function* bodyChunks(
  open: OpenResponse,
  body: ReadableStream<Uint8Array>,
  onBreak: (received: number, cause: unknown) => PacsError,
): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = body.getReader();
  let received = 0;
  try {
    for (;;) {
      let chunk: Uint8Array;
      try {
        const r = await reader.read();
        if (r.done) return;
        chunk = r.value;
      } catch (e) {
        throw open.bodyError(e, (cause) => onBreak(received, cause));
      }
      open.touch();
      received += chunk.length;
      yield chunk;
    }
  } finally {
    reader.releaseLock();
  }
}

type MultipartErrorFn = (what: string, truncated: boolean, cause?: unknown, index?: number) => PacsError;

function checkPart(
  part: MultipartPart,
  fail: MultipartErrorFn,
  types: ReadonlySet<string>,
): { mediaType: string; transferSyntax?: string } {
  const { headers, index } = part;
  const size = part.bytes.length;
  const type = mediaType(headers['content-type'] ?? null).toLowerCase();
  if (type !== '' && !types.has(type)) {
    throw fail(
      `part ${index} has Content-Type "${type}": expected ${[...types].join(' or ')}`,
      false,
      undefined,
      index,
    );
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
  return { mediaType: type, transferSyntax: transferSyntaxParam(headers['content-type']) };
}

/** The `transfer-syntax` parameter of a Content-Type, if any (malformed headers give none). */
function transferSyntaxParam(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return new MIMEType(header).params.get('transfer-syntax') ?? undefined;
  } catch {
    return undefined;
  }
}
