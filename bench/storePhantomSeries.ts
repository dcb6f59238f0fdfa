import type { LocalStore } from '../pacs-adapters/index.js';
import { encodePhantomSeries, type PhantomSeriesOptions } from './phantomSeries.js';

export type { PhantomSeriesOptions } from './phantomSeries.js';

/** Stores a synthetic CT phantom series (the demo's anatomy, 2 mGy) for the benchmarks; returns its UIDs. */
export async function storePhantomSeries(
  store: LocalStore,
  o: PhantomSeriesOptions,
): Promise<{ study: string; series: string }> {
  const { study, series, instances } = encodePhantomSeries(o);
  for (const bytes of instances) await store.storeInstance(bytes, 'bench');
  return { study, series };
}
