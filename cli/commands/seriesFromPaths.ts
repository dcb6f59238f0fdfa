import { basename } from 'node:path';
import {
  assembleSeries,
  frameValues,
  importCapsuleClip,
  isVideoClip,
  parseInstance,
  PacsError,
  pacsError,
  readInstanceFile,
  type AssembledSeries,
  type DicomInstance,
} from '../../pacs-adapters/index.js';
import { walkFiles } from '../walkFiles.js';

/** One assembled series with its parsed instances, from files, folders or a capsule clip. */
export interface LoadedSeries {
  readonly series: AssembledSeries;
  readonly instances: ReadonlyMap<string, DicomInstance>;
}

/**
 * Reads the paths (DICOM files/folders, or one capsule video clip (.mp4, .avi, .mkv, .mov) converted in memory) and returns the series to
 * restore: the only one, or the one whose SeriesInstanceUID is given.
 * @throws PACS_ERR_SERIES_EMPTY, PACS_ERR_SERIES_INCONSISTENT (several series and none chosen)
 */
export async function seriesFromPaths(paths: readonly string[], seriesUid?: string): Promise<LoadedSeries> {
  const instances = new Map<string, DicomInstance>();
  const { files } = await walkFiles(paths);
  for (const { path, fromFolder } of files) {
    if (isVideoClip(path)) {
      for await (const inst of importCapsuleClip(path, { uidSeed: `gsdiff-capsule:${basename(path)}` })) {
        const parsed = parseInstance(inst.bytes, `${path}#run${inst.runId}`);
        instances.set(parsed.header.sopInstanceUid, parsed);
      }
      continue;
    }
    try {
      const inst = await readInstanceFile(path);
      instances.set(inst.header.sopInstanceUid, inst);
    } catch (e) {
      if (fromFolder && e instanceof PacsError && e.code === 'PACS_ERR_NOT_DICOM') continue;
      throw e;
    }
  }
  if (instances.size === 0)
    throw pacsError(
      'PACS_ERR_SERIES_EMPTY',
      `no image instance in ${paths.join(', ')}: expected DICOM images or a video clip (.mp4, .avi, .mkv, .mov)`,
    );
  const all = assembleSeries([...instances.values()].map((i) => i.header));
  const chosen = seriesUid ? all.find((s) => s.seriesInstanceUid === seriesUid) : all.length === 1 ? all[0] : undefined;
  if (!chosen) {
    const list = all
      .map((s) => `${s.seriesInstanceUid} (${s.modality} "${s.seriesDescription ?? ''}", ${s.slices.length} images)`)
      .join('; ');
    throw pacsError(
      'PACS_ERR_SERIES_INCONSISTENT',
      seriesUid
        ? `series ${seriesUid} not found: expected one of ${list}`
        : `${all.length} series found: expected one, choose with --series: ${list}`,
      { field: 'SeriesInstanceUID' },
    );
  }
  return { series: chosen, instances };
}

/** Frame i of the assembled series: HU for greyscale, interleaved RGB for colour. */
export async function seriesFrame(s: LoadedSeries, i: number): Promise<Float32Array | Uint8Array> {
  const ref = s.series.slices[i];
  return frameValues(instanceOf(s, ref.sopInstanceUid), ref.frameIndex);
}

/**
 * The parsed instance of one SOPInstanceUID of the series.
 * @throws PACS_ERR_SERIES_INCONSISTENT when the series names an instance that was not read
 */
export function instanceOf(s: LoadedSeries, sopInstanceUid: string): DicomInstance {
  const inst = s.instances.get(sopInstanceUid);
  if (inst) return inst;
  throw pacsError(
    'PACS_ERR_SERIES_INCONSISTENT',
    `instance ${sopInstanceUid}: expected it among the files read for series ${s.series.seriesInstanceUid}, got none`,
    { field: 'SOPInstanceUID' },
  );
}
