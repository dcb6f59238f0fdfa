import type { SeriesSummary } from '../../wire/index.js';

/**
 * How many images a series holds, as the series list shows it: frames where the source counted them and they
 * differ from the instances (a 48-frame capsule sequence is one instance: "48 frames", not "1 images").
 * @example seriesCountText({ numberOfInstances: 1, numberOfFrames: 48 }) // '48 frames'
 */
export function seriesCountText(s: Pick<SeriesSummary, 'numberOfInstances' | 'numberOfFrames'>): string {
  const instances = s.numberOfInstances;
  const frames = s.numberOfFrames;
  if (frames !== undefined && instances !== undefined && frames > instances)
    return instances === 1 ? `${frames} frames` : `${frames} frames in ${instances} images`;
  if (instances === undefined) return frames === undefined ? '? images' : plural(frames, 'frame');
  return plural(instances, 'image');
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
