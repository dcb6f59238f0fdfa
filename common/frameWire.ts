/**
 * The JSON header of a binary job-frame message on the websocket (see server/ws/README.md):
 * `[uint32 LE header length][JSON FrameHeader, space-padded][payload]`. One definition for the server that writes
 * it and the viewer that reads it; types only, so the browser bundle imports nothing from Node.
 */
export interface FrameHeader {
  readonly type: 'frame';
  readonly index: number;
  readonly rows: number;
  readonly columns: number;
  /** float32: HU (CT and other greyscale); uint8: interleaved RGB. */
  readonly dtype: 'float32' | 'uint8';
  readonly samplesPerPixel: number;
  /** Frames available once this one is (index + 1: frames come in index order). */
  readonly done: number;
  readonly total: number;
  readonly windowCenter?: number;
  readonly windowWidth?: number;
  /** The source slice this frame restores. */
  readonly sopInstanceUid: string;
  /** Frame of that instance (0 for single-frame instances). */
  readonly frameIndex: number;
}
