import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import type { OpenResponse } from './openRequest.js';

/**
 * Reads a whole (small) response body, restarting the idle timer per chunk, refusing more than `maxBytes`.
 * @throws PACS_ERR_BAD_RESPONSE (too large), PACS_ERR_UNREACHABLE (connection lost mid-body), PACS_ERR_TIMEOUT
 */
export async function readBody(open: OpenResponse, method: string, maxBytes: number): Promise<Uint8Array> {
  const body = open.response.body;
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      open.touch();
      size += value.length;
      if (size > maxBytes) {
        throw pacsError(
          'PACS_ERR_BAD_RESPONSE',
          `${method} ${open.shownUrl}: expected a body of at most ${maxBytes} bytes, got more`,
          { url: open.shownUrl, method, maxBytes },
        );
      }
      chunks.push(value);
    }
  } catch (e) {
    throw open.bodyError(e, (cause) =>
      pacsError(
        'PACS_ERR_UNREACHABLE',
        `${method} ${open.shownUrl}: expected the whole response body, got the connection lost after ${size} bytes (${describeThrown(cause)})`,
        { url: open.shownUrl, method, receivedBytes: size },
        cause,
      ),
    );
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}

/**
 * Parses a JSON body.
 * @throws PACS_ERR_BAD_RESPONSE when it is not JSON
 */
export function parseJson(bytes: Uint8Array, method: string, shownUrl: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch (e) {
    throw pacsError(
      'PACS_ERR_BAD_RESPONSE',
      `${method} ${shownUrl}: expected a JSON body, got ${bytes.length} bytes that do not parse (${describeThrown(e)})`,
      { url: shownUrl, method },
      e,
    );
  }
}

/** The media type of a Content-Type header, lower case, without parameters ("" when absent). */
export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
