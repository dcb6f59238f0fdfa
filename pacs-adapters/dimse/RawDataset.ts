import { pacsError } from '../errors.js';
import { Dataset } from './library.js';

/**
 * A C-STORE data set sent as bytes we hold, never re-encoded by dcmjs: the library asks a Dataset for its encoding
 * (`getDenaturalizedDataset`) and gets these bytes back. The bytes are produced on first use (so a batch converted
 * to Implicit VR is converted one instance at a time, as it is sent). The library would transcode through
 * `getElements()` (dcmjs naturalize/denaturalize, which drops private attributes) if the accepted transfer syntax
 * differed; cStore never lets that happen, and `getElements()` throws to keep it so.
 */
export class RawDataset extends Dataset {
  readonly #encode: () => Uint8Array;
  #bytes: Buffer | undefined;

  /**
   * @param encode - returns the data set (after the File Meta group) in `transferSyntaxUid`
   */
  constructor(encode: () => Uint8Array, transferSyntaxUid: string, sopClassUid: string, sopInstanceUid: string) {
    super({ SOPClassUID: sopClassUid, SOPInstanceUID: sopInstanceUid }, transferSyntaxUid);
    this.#encode = encode;
  }

  override getDenaturalizedDataset(): Buffer {
    if (!this.#bytes) {
      const b = this.#encode();
      this.#bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    }
    return this.#bytes;
  }

  override getElements(): Record<string, unknown> {
    throw pacsError(
      'PACS_ERR_DIMSE_NEGOTIATION',
      `C-STORE ${String(this.getElement('SOPInstanceUID'))}: the library tried to transcode from ${this.getTransferSyntaxUid()}: expected the data set to be sent as it is`,
      { transferSyntaxUid: this.getTransferSyntaxUid() },
    );
  }
}
