/**
 * What every codec hands back: the frame's samples as little-endian bytes (copied out of wasm memory),
 * colour samples interleaved, plus what the codestream said about itself so the caller can check it
 * against the DICOM header.
 */
export interface DecodedSamples {
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly components: number;
  /** Bytes per sample in `bytes`: 1, 2 or 4. */
  readonly bytesPerSample: 1 | 2 | 4;
  /** True when colour samples are already RGB (the codec undid YCbCr / RCT / ICT). */
  readonly rgb: boolean;
}

/** What a codec needs from the header. */
export interface FrameLayout {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly pixelRepresentation: 0 | 1;
  readonly planarConfiguration: 0 | 1;
  readonly photometricInterpretation: string;
}
