import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../common/index.js';
import { describeThrown } from '../../common/index.js';
import { readBounded } from '../dicom/readInstance.js';
import { pruneEmptyDirs, syncDir } from './durableFs.js';
import { prepareInstance, type PreparedInstance } from './prepareInstance.js';
import type { StoreIndex } from './StoreIndex.js';
import type { RecoveryReport } from './types.js';

/** The folders of a store root. */
export interface StoreLayout {
  readonly root: string;
  readonly objectsDir: string;
  readonly tmpDir: string;
  readonly quarantineDir: string;
}

/** Source recorded for instances indexed by the recovery pass. */
export const RECOVERED_SOURCE = 'recovered';

/**
 * Makes the index and objects/ agree after a crash, before the store serves anything:
 * 1. empties tmp/ (half-written files, uncommitted stages, series being deleted);
 * 2. removes index rows whose file is missing;
 * 3. re-reads rows flagged pending (an overwrite interrupted between rename and row update);
 * 4. indexes files under objects/ that have no row (a crash between rename and index commit) when they parse
 *    and lie at the path their UIDs give; anything else under objects/ is moved to quarantine/, never deleted;
 * 5. removes empty folders under objects/.
 */
export async function recoverStore(
  layout: StoreLayout,
  index: StoreIndex,
  log: Logger,
  maxFileBytes: number,
): Promise<RecoveryReport> {
  // 1. tmp/
  let tmpEntriesRemoved = 0;
  for (const name of await readdir(layout.tmpDir)) {
    await rm(path.join(layout.tmpDir, name), { recursive: true, force: true });
    tmpEntriesRemoved += 1;
  }
  if (tmpEntriesRemoved > 0) await syncDir(layout.tmpDir);

  // 2. rows without files
  const onDisk = await walk(layout.objectsDir, 'objects');
  const rows = index.allInstances();
  const missing = rows.filter((r) => !onDisk.files.has(r.relPath));
  const rowsRemoved = missing.length === 0 ? 0 : index.removeInstances(missing.map((r) => r.sopInstanceUid));

  // 3. interrupted overwrites
  let rowsReindexed = 0;
  for (const row of rows.filter((r) => r.pending && onDisk.files.has(r.relPath))) {
    const prepared = await tryPrepare(index.absolute(row.relPath), maxFileBytes);
    const source = index.getInstance(row.sopInstanceUid)?.source ?? RECOVERED_SOURCE;
    if (typeof prepared !== 'string' && prepared.relPath === row.relPath) {
      index.upsert([{ prepared, source }]);
      rowsReindexed += 1;
    } else {
      index.removeInstances([row.sopInstanceUid]);
    }
  }

  // 4. files without rows
  const indexed = new Set(index.allInstances().map((r) => r.relPath));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let filesIndexed = 0;
  let filesQuarantined = 0;
  const quarantine = async (rel: string, reason: string): Promise<void> => {
    const target = path.join(layout.quarantineDir, stamp, ...rel.split('/'));
    await mkdir(path.dirname(target), { recursive: true });
    await rename(index.absolute(rel), target);
    filesQuarantined += 1;
    log.warn({ file: rel, quarantinedTo: target, reason }, 'recovery: moved an unindexable file out of objects/');
  };
  for (const rel of onDisk.others) await quarantine(rel, 'not a regular file');
  for (const rel of [...onDisk.files].filter((f) => !indexed.has(f)).sort()) {
    const prepared = await tryPrepare(index.absolute(rel), maxFileBytes);
    if (typeof prepared === 'string') {
      await quarantine(rel, prepared);
    } else if (prepared.relPath !== rel) {
      await quarantine(rel, `its UIDs place it at ${prepared.relPath}`);
    } else if (index.findInstance(prepared.instance.sopInstanceUid) !== undefined) {
      await quarantine(rel, 'its SOPInstanceUID is already indexed at another path');
    } else {
      try {
        index.upsert([{ prepared, source: RECOVERED_SOURCE }]);
        filesIndexed += 1;
      } catch (e) {
        await quarantine(rel, describeThrown(e));
      }
    }
  }

  // 5. empty folders
  await pruneEmptyDirs(layout.objectsDir);
  const report: RecoveryReport = { tmpEntriesRemoved, rowsRemoved, rowsReindexed, filesIndexed, filesQuarantined };
  const changed = Object.values(report).some((n) => n > 0);
  if (changed) log.warn(report, 'recovery: index and objects/ reconciled');
  else log.debug(report, 'recovery: nothing to do');
  return report;
}

/** Parses a stored file; returns the failure text instead of throwing. */
async function tryPrepare(file: string, maxFileBytes: number): Promise<PreparedInstance | string> {
  try {
    return prepareInstance(await readBounded(file, maxFileBytes), file);
  } catch (e) {
    return describeThrown(e);
  }
}

/** Regular files (and anything else) under `dir`, as POSIX paths prefixed with `prefix`. */
async function walk(dir: string, prefix: string): Promise<{ files: Set<string>; others: string[] }> {
  const files = new Set<string>();
  const others: string[] = [];
  const visit = async (abs: string, rel: string): Promise<void> => {
    for (const entry of await readdir(abs, { withFileTypes: true })) {
      const childAbs = path.join(abs, entry.name);
      const childRel = `${rel}/${entry.name}`;
      if (entry.isDirectory()) await visit(childAbs, childRel);
      else if (entry.isFile()) files.add(childRel);
      else others.push(childRel);
    }
  };
  await visit(dir, prefix);
  return { files, others };
}
