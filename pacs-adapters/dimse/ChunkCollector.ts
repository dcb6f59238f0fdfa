import { Writable } from 'node:stream';

/**
 * Where dcmjs-dimse writes the P-DATA fragments of one incoming C-STORE data set. It keeps the fragments as they
 * arrive (no re-encoding) up to `maxBytes`; past that it keeps counting but drops the bytes, so an oversized
 * instance costs no memory and is refused afterwards. `write` always returns true: the library would otherwise
 * wait for 'drain' while it goes on processing later PDUs.
 */
export class ChunkCollector extends Writable {
  readonly #chunks: Buffer[] = [];
  #size = 0;

  /**
   * @param maxBytes - bytes kept at most
   * @param transferSyntaxUid - the accepted transfer syntax of the presentation context the data set arrives on
   */
  constructor(
    readonly maxBytes: number,
    readonly transferSyntaxUid: string,
  ) {
    super();
  }

  /** Bytes received, kept or not. */
  get size(): number {
    return this.#size;
  }

  get overflowed(): boolean {
    return this.#size > this.maxBytes;
  }

  override write(chunk: unknown): boolean {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    this.#size += b.length;
    if (this.#size <= this.maxBytes) this.#chunks.push(b);
    else this.#chunks.length = 0;
    return true;
  }

  override end(): this {
    return this;
  }

  /** The data set as received (empty when it overflowed). */
  bytes(): Uint8Array {
    if (this.overflowed) return new Uint8Array(0);
    const all = this.#chunks.length === 1 ? this.#chunks[0] : Buffer.concat(this.#chunks, this.#size);
    this.#chunks.length = 0;
    return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
  }
}
