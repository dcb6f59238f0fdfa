import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../common/index.js';
import { LocalStore, type AssembledSeries, type DerivedSeriesSpec } from '../../pacs-adapters/index.js';
import type { DerivedSeriesOutput } from '../../restore/index.js';

/** The part of a run's output that holds the derived instances: written, then published whole or removed. */
export type SeriesFiles = Required<Pick<DerivedSeriesOutput, 'instance' | 'close' | 'abort'>>;

/** Where `gsdiff restore` puts the derived series: a folder (`--out`) or, by default, the local store. */
export interface RestoreDestination {
  /** SeriesNumbers the derived series steps past: the study's in the store; the source's own in a folder. */
  readonly takenSeriesNumbers: readonly number[];
  files(derived: DerivedSeriesSpec): Promise<SeriesFiles>;
  /** Where the series went, for the report. */
  location(derived: DerivedSeriesSpec): string;
  /** Releases the store (nothing for a folder). */
  close(): Promise<void>;
}

/** Opens the local store unless `out` is given. */
export async function openDestination(
  o: { readonly out?: string; readonly storeDir: string; readonly logger: Logger },
  source: AssembledSeries,
): Promise<RestoreDestination> {
  const { out } = o;
  if (out !== undefined) {
    return {
      takenSeriesNumbers: [source.seriesNumber ?? 0],
      files: (derived) => folderFiles(out, derived),
      location: (derived) => join(out, derived.seriesInstanceUid),
      close: () => Promise.resolve(),
    };
  }
  const store = await LocalStore.open(o.storeDir, { logger: o.logger });
  return {
    takenSeriesNumbers: store.listSeries(source.studyInstanceUid).map((x) => x.seriesNumber ?? 0),
    files: () => storeFiles(store),
    location: () => o.storeDir,
    close: () => store.close(),
  };
}

/** `<out>/<SeriesInstanceUID>/`, written as `.partial-<uid>` and renamed when complete: never half a series. */
async function folderFiles(out: string, derived: DerivedSeriesSpec): Promise<SeriesFiles> {
  const partial = join(out, `.partial-${derived.seriesInstanceUid}`);
  await mkdir(partial, { recursive: true });
  return {
    instance: async (d) => {
      await writeFile(join(partial, `${d.sopInstanceUid}.dcm`), d.bytes);
    },
    close: async () => {
      await rename(partial, join(out, derived.seriesInstanceUid));
    },
    abort: async () => {
      await rm(partial, { recursive: true, force: true });
    },
  };
}

/** A stage of the local store, published whole by its commit. */
async function storeFiles(store: LocalStore): Promise<SeriesFiles> {
  const stage = await store.stageSeries();
  return {
    instance: async (d, source) => {
      await stage.add(d.bytes, `gsdiff restore ${source.file}`);
    },
    close: async () => {
      await stage.commit();
    },
    abort: () => stage.abort(),
  };
}
