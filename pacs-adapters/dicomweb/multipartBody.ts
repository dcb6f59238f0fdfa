import { randomBytes } from 'node:crypto';

const CRLF = Buffer.from('\r\n', 'latin1');
const PART_HEAD = 'Content-Type: application/dicom\r\n';

/**
 * A `multipart/related; type="application/dicom"` body for STOW-RS (PS3.18 10.5.1.2, RFC 2387), one part per
 * instance. @remix-run/multipart-parser only parses, so this is the whole writer: per part
 * `--boundary CRLF Content-Type: application/dicom CRLF Content-Length: n CRLF CRLF <bytes> CRLF`, then
 * `--boundary-- CRLF`. The boundary is random and checked not to occur in any part.
 * @param parts - whole Part 10 instances
 * @returns the body and the Content-Type header value that names its boundary
 */
export function multipartBody(parts: readonly Uint8Array[]): { body: Uint8Array; contentType: string } {
  const boundary = boundaryFor(parts);
  const chunks: Uint8Array[] = [];
  for (const bytes of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${PART_HEAD}Content-Length: ${bytes.length}\r\n\r\n`, 'latin1'));
    chunks.push(bytes, CRLF);
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return {
    body: Buffer.concat(chunks),
    contentType: `multipart/related; type="application/dicom"; boundary=${boundary}`,
  };
}

/** A random boundary (RFC 2046: at most 70 characters) that no part contains. */
function boundaryFor(parts: readonly Uint8Array[]): string {
  for (;;) {
    const boundary = `gsdiff-${randomBytes(24).toString('hex')}`;
    const needle = Buffer.from(`--${boundary}`, 'latin1');
    const clash = parts.some((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).includes(needle));
    if (!clash) return boundary;
  }
}
