/** Stored values of one greyscale frame, masked to BitsStored and sign-extended when PixelRepresentation is 1. */
export type StoredArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

export interface GrayFrame {
  readonly kind: 'gray';
  readonly rows: number;
  readonly columns: number;
  readonly stored: StoredArray;
  /** MONOCHROME1: higher values display darker. Values are not inverted; display and models decide. */
  readonly monochrome1: boolean;
}

export interface RgbFrame {
  readonly kind: 'rgb';
  readonly rows: number;
  readonly columns: number;
  /** Interleaved R,G,B; 8-bit unless BitsAllocated was 16. */
  readonly rgb: Uint8Array | Uint16Array;
}

export type DecodedFrame = GrayFrame | RgbFrame;
