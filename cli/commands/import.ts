import { basename } from 'node:path';
import type { Logger } from '../../common/index.js';
import { importCapsuleClip, isVideoClip, LocalStore, PacsError } from '../../pacs-adapters/index.js';
import { EXIT } from '../exitCodes.js';
import { progress } from '../progress.js';
import { walkFiles } from '../walkFiles.js';

export interface ImportOptions {
  storeDir: string;
  /** FRAMES.tsv for capsule clips; default: the FRAMES.tsv beside each clip when it lists the clip, else cuts are detected. */
  framesTsv?: string;
  json?: boolean;
  logger: Logger;
}

interface Counts {
  stored: number;
  exists: number;
  skipped: number;
  failed: { file: string; code: string; message: string }[];
}

/**
 * `gsdiff import <paths...>`: copies DICOM files (and capsule .mp4/.avi/.mkv/.mov clips, converted to multi-frame Video
 * Endoscopic DICOM) into the local store. Sources are only read. A clip's instances are staged and published
 * together, so an interrupted import leaves nothing half-visible.
 * @returns an EXIT code
 */
export async function importCommand(
  paths: readonly string[],
  options: ImportOptions,
  out: NodeJS.WritableStream,
): Promise<number> {
  const { files, missing } = await walkFiles(paths);
  const store = await LocalStore.open(options.storeDir, { logger: options.logger });
  const counts: Counts = { stored: 0, exists: 0, skipped: 0, failed: [] };
  const bar = progress('importing', files.length);
  try {
    for (const { path: file, fromFolder } of files) {
      if (isVideoClip(file)) {
        await importClip(store, file, options, counts);
      } else {
        const report = await store.importPath(file);
        for (const o of report.outcomes) {
          if (o.status === 'stored') counts.stored++;
          else if (o.status === 'exists') counts.exists++;
          else if (o.status === 'skipped' && (fromFolder || o.error?.code !== 'PACS_ERR_NOT_DICOM')) counts.skipped++;
          else if (o.status === 'skipped')
            counts.failed.push({ file, code: o.error?.code ?? 'PACS_ERR_NOT_DICOM', message: o.reason });
          else if (o.status === 'failed') counts.failed.push({ file, code: o.error.code, message: o.error.message });
        }
      }
      bar.tick(file);
    }
  } finally {
    bar.stop();
    await store.close();
  }
  const summary = { store: options.storeDir, ...counts, missing };
  if (options.json) {
    out.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    out.write(
      `imported into ${options.storeDir}: ${counts.stored} stored, ${counts.exists} already present, ${counts.skipped} skipped (not DICOM), ${counts.failed.length} failed\n`,
    );
    for (const f of counts.failed) out.write(`  ${f.code}  ${f.message}\n`);
    for (const m of missing) out.write(`  missing: ${m}\n`);
  }
  if (counts.stored + counts.exists === 0) return EXIT.NO_INPUT;
  return counts.failed.length || missing.length ? EXIT.PARTIAL : EXIT.OK;
}

async function importClip(store: LocalStore, clip: string, options: ImportOptions, counts: Counts): Promise<void> {
  const stage = await store.stageSeries();
  try {
    // Deterministic UIDs per clip: a second import of the same clip meets its own series.
    for await (const inst of importCapsuleClip(clip, {
      framesTsv: options.framesTsv,
      uidSeed: `gsdiff-capsule:${basename(clip)}`,
      logger: options.logger,
    })) {
      if (store.listInstances(inst.seriesInstanceUid).length > 0) {
        // Commits are atomic, so a stored series of this clip is a complete earlier import.
        counts.exists += store.listInstances(inst.seriesInstanceUid).length;
        await stage.abort();
        return;
      }
      await stage.add(inst.bytes, `${clip} run ${inst.runId}`);
    }
    counts.stored += (await stage.commit()).instances;
  } catch (e) {
    await stage.abort().catch(() => undefined);
    if (!(e instanceof PacsError)) throw e;
    counts.failed.push({ file: clip, code: e.code, message: e.message });
  }
}
