/** One imported DICOM instance: a chunk of one run of one clip, encoded as a Part 10 file. */
export interface CapsuleInstance {
  /** MP4 file name the frames came from. */
  readonly clip: string;
  readonly runId: number;
  /** 0-based chunk of the run, and how many chunks the run was split into. */
  readonly chunkIndex: number;
  readonly chunkCount: number;
  /** MP4 frame index of the first frame (0-based). */
  readonly firstFrameIndex: number;
  readonly frameCount: number;
  /** First and last original Kvasir-Capsule frame numbers (consecutive in between). */
  readonly kvasirFrames: readonly [number, number];
  /** InstanceNumber (0020,0013), 1-based over the series. */
  readonly instanceNumber: number;
  /** The Part 10 file (Explicit VR Little Endian). */
  readonly bytes: Uint8Array;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly studyInstanceUid: string;
}
