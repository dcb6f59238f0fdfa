import type { AssembledSeries } from '../pacs-adapters/index.js';

/**
 * The frames of a time sequence where a new instance begins, for `segmentStarts`: the capsule import writes one
 * instance per run (frame table or detected cuts; long runs in chunks), so windows kept inside an instance never mix
 * two runs. A volume gets none: its slices continue across files. Pure.
 * @example sceneStarts(series); // [11, 22] for instances of 11, 11 and 52 frames
 */
export function sceneStarts(series: Pick<AssembledSeries, 'kind' | 'slices'>): number[] {
  if (series.kind !== 'frames') return [];
  const starts: number[] = [];
  for (let i = 1; i < series.slices.length; i++)
    if (series.slices[i].sopInstanceUid !== series.slices[i - 1].sopInstanceUid) starts.push(i);
  return starts;
}
