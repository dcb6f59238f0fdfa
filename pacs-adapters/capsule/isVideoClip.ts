/** File extensions imported as capsule video (lower case, with the dot): the containers ffmpeg reads that cameras and exports use. */
export const VIDEO_CLIP_EXTENSIONS: readonly string[] = Object.freeze(['.mp4', '.avi', '.mkv', '.mov']);

/**
 * True when the path names a video clip by its extension (case-insensitive). The contents are checked by probeVideo,
 * which refuses a file that is not a video with PACS_ERR_VIDEO naming it.
 * @example isVideoClip('exports/Clip 7.MKV'); // true
 */
export function isVideoClip(path: string): boolean {
  const lower = path.toLowerCase();
  return VIDEO_CLIP_EXTENSIONS.some((ext) => lower.endsWith(ext));
}
