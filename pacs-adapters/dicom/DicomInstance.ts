import type { DataSet } from './parseDataSet.js';
import type { ImageHeader } from './ImageHeader.js';

/** A parsed image instance: its bytes (kept for lossless re-storage), data set and typed header. */
export interface DicomInstance {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly dataSet: DataSet;
  readonly header: ImageHeader;
  readonly inferredTransferSyntax: boolean;
}
