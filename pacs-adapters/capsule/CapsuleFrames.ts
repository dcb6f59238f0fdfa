/** One row of FRAMES.tsv: an MP4 frame and the Kvasir-Capsule frame it came from. */
export interface CapsuleFrameRecord {
  /** MP4 file name (the `file` column), e.g. "ad91cf7ca91440aa.mp4". */
  readonly clip: string;
  /** 0-based index of the frame in decoding order of the MP4. */
  readonly mp4FrameIndex: number;
  /** Frame number in the original Kvasir-Capsule video. */
  readonly kvasirFrameNumber: number;
  /** Kvasir-Capsule finding label, e.g. "Normal", "Ulcer". */
  readonly label: string;
  /** Kvasir-Capsule official split (0 or 1). */
  readonly officialSplit: number;
  readonly runId: number;
  readonly runLength: number;
  /** The previous MP4 frame is the previous capsule frame. */
  readonly consecutiveWithPrevious: boolean;
  /** 1-based line of the row in the TSV (the header is line 1). */
  readonly line: number;
}

/** A run: MP4 frames that are consecutive capsule frames. Frames of different runs must never be mixed. */
export interface CapsuleRun {
  readonly clip: string;
  readonly runId: number;
  /** MP4 frame index of the run's first frame. */
  readonly firstFrameIndex: number;
  readonly length: number;
  readonly firstKvasirFrame: number;
  readonly lastKvasirFrame: number;
  readonly frames: readonly CapsuleFrameRecord[];
  /**
   * The boundaries were detected from the frames (no frame table): the frame numbers are the video's own, and the
   * records have no label or split.
   */
  readonly detected?: boolean;
}

/** Every frame and run of one clip, in MP4 order. */
export interface CapsuleClipFrames {
  readonly clip: string;
  readonly frameCount: number;
  readonly frames: readonly CapsuleFrameRecord[];
  readonly runs: readonly CapsuleRun[];
}

/** A parsed FRAMES.tsv. */
export interface CapsuleFrameTable {
  /** The TSV's path (or the name given to the parser). */
  readonly file: string;
  /** By clip file name, in the order the clips first appear. */
  readonly clips: ReadonlyMap<string, CapsuleClipFrames>;
}
