import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/**
 * A streaming `multipart/related` writer for WADO-RS answers (RFC 2387, PS3.18 8.7.3.5): per part
 * `--boundary CRLF headers CRLF CRLF body CRLF`, then `--boundary-- CRLF`. Writes wait for `drain`, so a slow
 * client holds the reading of the next file (back-pressure): memory is one file-system chunk per answer.
 *
 * The boundary is 192 random bits. Unlike pacs-adapters/dicomweb/multipartBody.ts (which holds its whole body
 * and checks the boundary against every part), files streamed from disk are not scanned first: every part also
 * carries its Content-Length, and the chance of a collision is 2^-192 per position.
 */
export class MultipartWriter {
  readonly boundary = `gsdiff-${randomBytes(24).toString('hex')}`;
  private partsWritten = 0;

  constructor(private readonly out: Writable) {}

  /** The Content-Type header value of the answer, for parts of `partType`. */
  contentType(partType: string): string {
    return `multipart/related; type="${partType}"; boundary=${this.boundary}`;
  }

  get parts(): number {
    return this.partsWritten;
  }

  /** One part from bytes in memory (frames, bulk data). */
  async writePart(headers: Readonly<Record<string, string>>, body: Uint8Array): Promise<void> {
    await this.write(this.head(headers, body.byteLength));
    await this.write(body);
    await this.write(Buffer.from('\r\n', 'latin1'));
    this.partsWritten++;
  }

  /**
   * One part streamed from a file, its Content-Length from the open file's size.
   * @returns the bytes sent
   * @throws when the file cannot be read, changes size while read, or the client goes away
   */
  async writeFilePart(headers: Readonly<Record<string, string>>, file: string): Promise<number> {
    const handle = await open(file, 'r');
    let stream;
    try {
      const { size } = await handle.stat();
      await this.write(this.head(headers, size));
      stream = handle.createReadStream({ highWaterMark: 256 * 1024 });
      let sent = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        sent += chunk.length;
        if (sent > size) break;
        await this.write(chunk);
      }
      if (sent !== size) throw new Error(`${file}: read ${sent} bytes, expected its size ${size}`);
      await this.write(Buffer.from('\r\n', 'latin1'));
      this.partsWritten++;
      return size;
    } finally {
      if (stream) stream.destroy();
      else await handle.close();
    }
  }

  /** The closing delimiter; ends the answer. */
  async end(): Promise<void> {
    await this.write(Buffer.from(`--${this.boundary}--\r\n`, 'latin1'));
    await new Promise<void>((resolve) => this.out.end(resolve));
  }

  private head(headers: Readonly<Record<string, string>>, length: number): Buffer {
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`);
    return Buffer.from(`--${this.boundary}\r\n${lines.join('')}Content-Length: ${length}\r\n\r\n`, 'latin1');
  }

  private async write(chunk: Uint8Array): Promise<void> {
    await writeChunk(this.out, chunk);
  }
}

/**
 * Writes one chunk, waiting for `drain` when the socket buffer is full.
 * @throws when the client has closed the connection
 */
export async function writeChunk(out: Writable, chunk: Uint8Array | string): Promise<void> {
  if (out.destroyed) throw new Error('writeChunk: the connection was closed by the client');
  if (out.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const drained = (): void => {
      out.off('close', closed);
      resolve();
    };
    const closed = (): void => {
      out.off('drain', drained);
      reject(new Error('writeChunk: the connection was closed by the client'));
    };
    out.once('drain', drained);
    out.once('close', closed);
  });
}
