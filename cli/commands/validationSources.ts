import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../common/index.js';
import { LocalStore, pacsError } from '../../pacs-adapters/index.js';
import { sourceAdapters, type PacsSourceConfig } from '../../server/index.js';
import type { ValidationSeries } from '../../validation/index.js';
import { seriesFrame, seriesFromPaths, type LoadedSeries } from './seriesFromPaths.js';

export interface SourceContext {
  readonly storeDir: string;
  /** The PACS sources of GSDIFF_SOURCES (the configuration's `sources`), for `pacs:` series. */
  readonly sources: readonly PacsSourceConfig[];
  /** 1-based inclusive frame range applied to every series, in position order. */
  readonly frames?: readonly [number, number];
  readonly logger: Logger;
  /** Temporary folders of pulled series, removed by `cleanup`. */
  readonly temps: string[];
}

/**
 * Resolves a series as `gsdiff validate` names it:
 * - `store:<SeriesInstanceUID>`: a series of the local store, read in place;
 * - `pacs:<source>/<StudyInstanceUID>/<SeriesInstanceUID>`: pulled from a GSDIFF_SOURCES PACS into a temporary
 *   folder (removed at the end);
 * - anything else: DICOM files or folders, or a capsule .mp4; `<path>::<SeriesInstanceUID>` picks one series of a
 *   folder holding several.
 * @throws PACS_ERR_* (missing series, unreadable files; PACS_ERR_CONFIG for a source not in GSDIFF_SOURCES)
 */
export async function resolveSeries(spec: string, ctx: SourceContext): Promise<ValidationSeries> {
  let loaded: LoadedSeries;
  if (spec.startsWith('store:')) {
    const uid = spec.slice('store:'.length);
    const store = await LocalStore.open(ctx.storeDir, { logger: ctx.logger });
    let paths: string[];
    try {
      paths = store.listInstances(uid).map((e) => e.path);
    } finally {
      await store.close();
    }
    if (!paths.length)
      throw pacsError('PACS_ERR_SERIES_EMPTY', `${spec}: no series ${uid} in the local store ${ctx.storeDir}`, {
        field: 'SeriesInstanceUID',
      });
    loaded = await seriesFromPaths(paths, uid);
  } else if (spec.startsWith('pacs:')) {
    const [sourceId, study, series] = spec.slice('pacs:'.length).split('/');
    if (!sourceId || !study || !series)
      throw pacsError('PACS_ERR_CONFIG', `${spec}: expected pacs:<source>/<StudyInstanceUID>/<SeriesInstanceUID>`, {
        field: 'source',
      });
    const adapter = sourceAdapters(ctx.sources, ctx.logger).get(sourceId);
    if (!adapter)
      throw pacsError('PACS_ERR_CONFIG', `${spec}: no PACS source "${sourceId}" in GSDIFF_SOURCES`, {
        field: 'source',
      });
    const dir = await mkdtemp(join(tmpdir(), 'gsdiff-validate-'));
    ctx.temps.push(dir);
    let n = 0;
    for await (const got of adapter.retrieveSeries(study, series))
      await writeFile(join(dir, `${String(n++).padStart(6, '0')}.dcm`), got.bytes);
    loaded = await seriesFromPaths([dir], series);
  } else {
    const cut = spec.lastIndexOf('::');
    loaded = cut > 0 ? await seriesFromPaths([spec.slice(0, cut)], spec.slice(cut + 2)) : await seriesFromPaths([spec]);
  }
  return toValidationSeries(spec, loaded, ctx.frames);
}

function toValidationSeries(label: string, loaded: LoadedSeries, frames?: readonly [number, number]): ValidationSeries {
  const s = loaded.series;
  const all = s.slices;
  if (frames && (frames[0] < 1 || frames[1] > all.length || frames[0] > frames[1]))
    throw pacsError(
      'PACS_ERR_CONFIG',
      `${label}: --frames ${frames[0]}-${frames[1]}: expected a range within 1-${all.length}`,
      {
        field: 'frames',
      },
    );
  const slices = frames ? all.slice(frames[0] - 1, frames[1]) : all;
  const h = s.firstHeader;
  const view: LoadedSeries = { ...loaded, series: { ...s, slices } };
  const positions = slices.every((x) => x.location !== undefined) ? slices.map((x) => x.location as number) : undefined;
  return {
    label,
    kind: h.samplesPerPixel === 3 ? 'rgb' : 'ct',
    count: slices.length,
    height: s.rows,
    width: s.columns,
    pixelSpacingMm: s.geometry.pixelSpacing ?? h.pixelSpacing ?? [1, 1],
    pixelSpacingKnown: (s.geometry.pixelSpacing ?? h.pixelSpacing) !== undefined,
    seriesInstanceUid: s.seriesInstanceUid,
    ...(s.seriesDescription ? { description: s.seriesDescription } : {}),
    ...(positions ? { positions } : {}),
    header: {
      modality: h.modality,
      sopClassUid: h.sopClassUid,
      samplesPerPixel: h.samplesPerPixel,
      acquisition: h.acquisition,
    },
    frame: (i) => seriesFrame(view, i),
  };
}

export async function cleanupSources(ctx: SourceContext): Promise<void> {
  await Promise.all(ctx.temps.map((d) => rm(d, { recursive: true, force: true })));
}
