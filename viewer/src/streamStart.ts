/**
 * The slice a restored pane opens at when it starts following a job's stream: the current slice when its frame is
 * already here; else the newest frame that arrived; else the first (frames are restored in order, so it comes first).
 * Opening on the current (middle) slice instead left the pane covered until half the series was restored.
 * @param arrived - per slice of the stream, whether its frame is here
 * @param current - the slice on screen
 * @example streamStartIndex([true, true, false, false], 3) // 1
 */
export function streamStartIndex(arrived: readonly boolean[], current: number): number {
  if (arrived[current]) return current;
  const newest = arrived.lastIndexOf(true);
  return newest >= 0 ? newest : 0;
}
