/** A frame rate as ffprobe states it (e.g. 8/1, 30000/1001). */
export interface FrameRate {
  readonly numerator: number;
  readonly denominator: number;
}

/** What probeVideo learns about the first video stream of a file. */
export interface VideoInfo {
  /** The path as given by the caller. */
  readonly file: string;
  readonly width: number;
  readonly height: number;
  /** avg_frame_rate of the stream (r_frame_rate when ffprobe gives no average), as a rational. */
  readonly frameRate: FrameRate;
  /** frameRate as a number (numerator / denominator). */
  readonly fps: number;
  /**
   * Frames in the stream: counted by decoding (`-count_frames`, nb_read_frames) unless the caller turned that
   * off, then the container's nb_frames (which some files omit or get wrong).
   */
  readonly frameCount: number;
  /** True when frameCount comes from decoding every frame. */
  readonly frameCountDecoded: boolean;
  /** ffprobe codec_name, e.g. "mpeg4" (MPEG-4 Part 2), "h264". */
  readonly codec: string;
  readonly codecLongName: string;
  /** Decoded pixel format, e.g. "yuv420p". */
  readonly pixelFormat: string;
  /** ffprobe format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  readonly container: string;
  /** Seconds, when ffprobe states it. */
  readonly durationSeconds?: number;
}
