import { randomUUID } from 'node:crypto';
import { readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { createLogger, describeThrown, type Logger } from '../../common/index.js';
import { PacsError, pacsError } from '../errors.js';
import { readBounded } from '../dicom/readInstance.js';
import { isErrno, makeDirDurable, removeDirIfEmpty, syncDir, writeSynced } from './durableFs.js';
import { Mutex } from './Mutex.js';
import { prepareInstance, type PreparedInstance } from './prepareInstance.js';
import { recoverStore, type StoreLayout } from './recoverStore.js';
import { StagedSeries, type StageHost, type StagedContent } from './StagedSeries.js';
import { acquireStoreLock, type StoreLock } from './storeLock.js';
import { seriesConflict, StoreIndex } from './StoreIndex.js';
import type {
  CommitResult,
  DeleteSeriesResult,
  ImportOutcome,
  ImportReport,
  InstanceEntry,
  RecoveryReport,
  SeriesEntry,
  StoreOptions,
  StoreResult,
  StoreStats,
  StudyEntry,
  StudyFilter,
} from './types.js';

export interface LocalStoreOptions {
  /** Parent logger; the store logs through a child `{ module: 'pacs-adapters/local' }`. Default: silent. */
  readonly logger?: Logger;
  /** Files above this size are refused by importPath and readInstanceBytes (default 2 GiB). */
  readonly maxFileBytes?: number;
}

const DEFAULT_MAX_FILE = 2 * 1024 * 1024 * 1024;

/**
 * The embedded default store: DICOM files under `<root>/objects/<study>/<series>/<sop>.dcm`, indexed in
 * `<root>/index.sqlite`. Every write is staged in `<root>/tmp/`, fsynced and renamed into place before its index
 * row is committed; `open` runs a recovery pass that makes index and files agree after any crash. One LocalStore
 * owns a folder at a time (`store.lock`). See README.md for the full contract.
 * @example
 * const store = await LocalStore.open('/data/gsdiff-store', { logger });
 * const report = await store.importPath('/media/cdrom');
 * for (const s of store.listSeries()) console.log(s.seriesInstanceUid, s.numberOfInstances);
 * await store.close();
 */
export class LocalStore {
  /** Absolute real path of the store folder. */
  readonly root: string;
  /** What the recovery pass of `open` fixed. */
  readonly recovery: RecoveryReport;
  private readonly layout: StoreLayout;
  private readonly index: StoreIndex;
  private readonly lock: StoreLock;
  private readonly log: Logger;
  private readonly maxFileBytes: number;
  private readonly mutex = new Mutex();
  private readonly stages = new Set<StagedSeries>();
  private readonly stageHost: StageHost;
  private closed = false;

  private constructor(
    layout: StoreLayout,
    index: StoreIndex,
    lock: StoreLock,
    log: Logger,
    maxFileBytes: number,
    recovery: RecoveryReport,
  ) {
    this.root = layout.root;
    this.layout = layout;
    this.index = index;
    this.lock = lock;
    this.log = log;
    this.maxFileBytes = maxFileBytes;
    this.recovery = recovery;
    this.stageHost = {
      tmpDir: layout.tmpDir,
      admit: (bytes, source) => this.admitStaged(bytes, source),
      publish: (content) => this.publish(content),
      release: (stage) => {
        this.stages.delete(stage);
      },
      assertOpen: (operation) => this.assertOpen(operation),
    };
  }

  /**
   * Opens (creating if needed) a store folder, migrates its index and runs the recovery pass.
   * @param root - the store folder; created when missing
   * @param options - logger, file size limit
   * @throws PACS_ERR_STORE_LOCKED when another live LocalStore owns the folder; PACS_ERR_STORE when the folder
   *   or index cannot be opened, or the index schema is newer than this build
   */
  static async open(root: string, options: LocalStoreOptions = {}): Promise<LocalStore> {
    const log = (options.logger ?? createLogger('silent')).child({ module: 'pacs-adapters/local' });
    const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE;
    let layout: StoreLayout;
    try {
      await makeDirDurable(path.resolve(root));
      const real = await realpath(root);
      layout = {
        root: real,
        objectsDir: path.join(real, 'objects'),
        tmpDir: path.join(real, 'tmp'),
        quarantineDir: path.join(real, 'quarantine'),
      };
      await makeDirDurable(layout.objectsDir);
      await makeDirDurable(layout.tmpDir);
    } catch (e) {
      throw pacsError(
        'PACS_ERR_STORE',
        `LocalStore.open: cannot create the store folders: ${describeThrown(e)}`,
        { file: root },
        e,
      );
    }
    const lock = await acquireStoreLock(layout.root);
    if (lock.tookOver) log.warn({ staleLock: lock.tookOver }, 'LocalStore.open: took over a stale store.lock');
    let index: StoreIndex | undefined;
    try {
      index = StoreIndex.open(layout.root);
      const recovery = await recoverStore(layout, index, log, maxFileBytes);
      const store = new LocalStore(layout, index, lock, log, maxFileBytes, recovery);
      log.info({ root: layout.root, schemaVersion: index.schemaVersion, ...index.counts() }, 'local store open');
      return store;
    } catch (e) {
      index?.close();
      await lock.release();
      throw asStoreError(e, 'LocalStore.open: recovery failed', layout.root);
    }
  }

  /**
   * Stores one instance. The bytes are written unchanged (no re-encoding).
   * @param bytes - a complete DICOM file
   * @param source - recorded with the instance: a path, 'stow', a job id…
   * @param options - `overwrite: true` replaces an instance stored with other bytes
   * @returns status 'exists' (nothing written) when identical bytes are already stored
   * @throws PACS_ERR_NOT_DICOM, PACS_ERR_PARSE, PACS_ERR_MISSING_ATTRIBUTE; PACS_ERR_BAD_ATTRIBUTE when a
   *   Study/Series/SOP Instance UID is not a DICOM UID (names the tag); PACS_ERR_STORE_CONFLICT when the
   *   SOPInstanceUID is stored with other bytes (without overwrite) or the series belongs to another study;
   *   PACS_ERR_STORE on I/O or index failure
   */
  async storeInstance(bytes: Uint8Array, source: string, options: StoreOptions = {}): Promise<StoreResult> {
    this.assertOpen('storeInstance');
    const prepared = prepareInstance(bytes, source);
    const decided = this.decide(prepared, source, options);
    if (decided !== undefined) return decided;
    const part = path.join(this.layout.tmpDir, `${randomUUID()}.part`);
    try {
      await writeSynced(part, bytes);
      return await this.mutex.run(async () => {
        this.assertOpen('storeInstance');
        const again = this.decide(prepared, source, options);
        if (again !== undefined) return again;
        const { instance } = prepared;
        const previous = this.index.findInstance(instance.sopInstanceUid);
        const target = this.index.absolute(prepared.relPath);
        // An overwrite is flagged first: should we crash after the rename, recovery re-reads the file.
        if (previous !== undefined) this.index.markPending(previous.sopInstanceUid);
        await makeDirDurable(path.dirname(target));
        await rename(part, target);
        await syncDir(path.dirname(target));
        this.index.upsert([{ prepared, source }]);
        if (previous !== undefined && previous.relPath !== prepared.relPath) {
          await rm(this.index.absolute(previous.relPath), { force: true });
        }
        this.log.debug(
          { sopInstanceUid: instance.sopInstanceUid, overwrite: previous !== undefined },
          'instance stored',
        );
        return this.result('stored', prepared);
      });
    } catch (e) {
      throw asStoreError(e, 'LocalStore.storeInstance: write failed', source);
    } finally {
      await rm(part, { force: true });
    }
  }

  /**
   * Imports a file, or every file below a folder (recursively, in path order). Sources are only read, never
   * moved or modified. One bad file never fails the call: it gets a 'skipped' (not DICOM, DICOMDIR, linked
   * folder) or 'failed' (typed error) outcome.
   * @param target - a file or folder
   * @param options - passed to storeInstance for every file
   * @throws PACS_ERR_FILE_READ when `target` itself cannot be read
   */
  async importPath(target: string, options: StoreOptions = {}): Promise<ImportReport> {
    this.assertOpen('importPath');
    const files = await this.collectFiles(path.resolve(target));
    const outcomes: ImportOutcome[] = [];
    for (const entry of files) {
      outcomes.push(typeof entry === 'string' ? await this.importFile(entry, options) : entry);
    }
    const count = (status: ImportOutcome['status']): number => outcomes.filter((o) => o.status === status).length;
    const report: ImportReport = {
      outcomes,
      stored: count('stored'),
      exists: count('exists'),
      skipped: count('skipped'),
      failed: count('failed'),
    };
    this.log.info(
      {
        files: outcomes.length,
        stored: report.stored,
        exists: report.exists,
        skipped: report.skipped,
        failed: report.failed,
      },
      'import done',
    );
    return report;
  }

  /**
   * Studies matching a QIDO-style filter, ordered by StudyDate then StudyInstanceUID.
   * @throws PACS_ERR_BAD_ATTRIBUTE for a malformed date range or limit/offset
   */
  listStudies(filter: StudyFilter = {}): StudyEntry[] {
    this.assertOpen('listStudies');
    return this.index.listStudies(filter);
  }

  /** Series of one study (or all), ordered by study, SeriesNumber, SeriesInstanceUID. */
  listSeries(studyInstanceUid?: string): SeriesEntry[] {
    this.assertOpen('listSeries');
    return this.index.listSeries(studyInstanceUid);
  }

  /** Instances of a series ordered by InstanceNumber (absent last), then SOPInstanceUID; [] for an unknown series. */
  listInstances(seriesInstanceUid: string): InstanceEntry[] {
    this.assertOpen('listInstances');
    return this.index.listInstances(seriesInstanceUid);
  }

  /** The index entry of one instance, or undefined. */
  getInstance(sopInstanceUid: string): InstanceEntry | undefined {
    this.assertOpen('getInstance');
    return this.index.getInstance(sopInstanceUid);
  }

  /** Absolute path of a stored instance (read it, never write it), or undefined when not stored. */
  getInstancePath(sopInstanceUid: string): string | undefined {
    return this.getInstance(sopInstanceUid)?.path;
  }

  /**
   * The stored bytes of an instance.
   * @throws PACS_ERR_STORE_NOT_FOUND when not stored; PACS_ERR_FILE_READ when the file cannot be read
   */
  async readInstanceBytes(sopInstanceUid: string): Promise<Uint8Array> {
    const entry = this.getInstance(sopInstanceUid);
    if (entry === undefined) {
      throw pacsError(
        'PACS_ERR_STORE_NOT_FOUND',
        `LocalStore.readInstanceBytes: SOPInstanceUID ${sopInstanceUid} is not stored`,
        {
          tag: '00080018',
          sopInstanceUid,
        },
      );
    }
    return readBounded(entry.path, this.maxFileBytes);
  }

  /**
   * Removes a series: its folder is first renamed into tmp/ (gone from objects/ in one step), then its rows are
   * deleted in one transaction, then the folder is removed. A crash at any point leaves either the whole series
   * or none of it after recovery. An unknown series gives zero counts.
   * @throws PACS_ERR_STORE on I/O or index failure
   */
  async deleteSeries(seriesInstanceUid: string): Promise<DeleteSeriesResult> {
    this.assertOpen('deleteSeries');
    return this.mutex.run(async () => {
      this.assertOpen('deleteSeries');
      const study = this.index.seriesStudy(seriesInstanceUid);
      if (study === undefined) return { seriesInstanceUid, instancesRemoved: 0, bytesFreed: 0 };
      const studyDir = path.join(this.layout.objectsDir, study);
      const seriesDir = path.join(studyDir, seriesInstanceUid);
      const trash = path.join(this.layout.tmpDir, `delete-${randomUUID()}`);
      try {
        try {
          await rename(seriesDir, trash);
          await syncDir(studyDir);
        } catch (e) {
          if (!isErrno(e, 'ENOENT')) throw e;
        }
        const removed = this.index.removeSeries(seriesInstanceUid);
        await rm(trash, { recursive: true, force: true });
        if (await removeDirIfEmpty(studyDir)) await syncDir(this.layout.objectsDir);
        this.log.info({ seriesInstanceUid, instances: removed.instances }, 'series deleted');
        return { seriesInstanceUid, instancesRemoved: removed.instances, bytesFreed: removed.bytes };
      } catch (e) {
        throw asStoreError(e, 'LocalStore.deleteSeries: failed', seriesDir);
      }
    });
  }

  /**
   * Opens a staging area for one new (derived) series; see StagedSeries. Nothing added to it is visible until
   * its `commit()`.
   * @throws PACS_ERR_STORE when the store is closed or tmp/ is not writable
   */
  async stageSeries(): Promise<StagedSeries> {
    this.assertOpen('stageSeries');
    try {
      const stage = await StagedSeries.create(this.stageHost);
      this.stages.add(stage);
      return stage;
    } catch (e) {
      throw asStoreError(e, 'LocalStore.stageSeries: cannot create the staging folder', this.layout.tmpDir);
    }
  }

  /** Counts and sizes of what is stored. */
  stats(): StoreStats {
    this.assertOpen('stats');
    return {
      root: this.root,
      schemaVersion: this.index.schemaVersion,
      ...this.index.counts(),
      openStages: this.stages.size,
    };
  }

  /** Aborts open stages, waits for writes in progress, closes the index and releases the folder. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const stage of [...this.stages]) await stage.abort().catch(() => undefined);
    await this.mutex.run(async () => {
      this.closed = true;
    });
    this.index.close();
    await this.lock.release();
    this.log.info({ root: this.root }, 'local store closed');
  }

  private assertOpen(operation: string): void {
    if (this.closed) {
      throw pacsError('PACS_ERR_STORE', `${operation}: the store is closed: expected an open LocalStore`, {
        file: this.root,
      });
    }
  }

  /** Returns a result when nothing must be written (identical bytes stored); throws on a conflict. */
  private decide(prepared: PreparedInstance, source: string, options: StoreOptions): StoreResult | undefined {
    const { instance } = prepared;
    const owner = this.index.seriesStudy(instance.seriesInstanceUid);
    if (owner !== undefined && owner !== instance.studyInstanceUid) {
      throw seriesConflict(source, instance.seriesInstanceUid, owner, instance.studyInstanceUid);
    }
    const existing = this.index.findInstance(instance.sopInstanceUid);
    if (existing === undefined) return undefined;
    if (existing.sha256 === prepared.sha256 && existing.relPath === prepared.relPath)
      return this.result('exists', prepared);
    if (options.overwrite === true) return undefined;
    throw pacsError(
      'PACS_ERR_STORE_CONFLICT',
      `SOPInstanceUID ${instance.sopInstanceUid} is stored with other content: expected sha256 ${existing.sha256}, got ${prepared.sha256} (pass overwrite to replace)`,
      {
        file: source,
        tag: '00080018',
        sopInstanceUid: instance.sopInstanceUid,
        storedSha256: existing.sha256,
        sha256: prepared.sha256,
      },
    );
  }

  private result(status: StoreResult['status'], prepared: PreparedInstance): StoreResult {
    const { sopInstanceUid, seriesInstanceUid, studyInstanceUid } = prepared.instance;
    return { status, sopInstanceUid, seriesInstanceUid, studyInstanceUid, path: this.index.absolute(prepared.relPath) };
  }

  private async importFile(file: string, options: StoreOptions): Promise<ImportOutcome> {
    try {
      const bytes = await readBounded(file, this.maxFileBytes);
      return { file, ...(await this.storeInstance(bytes, file, options)) };
    } catch (e) {
      const error = asStoreError(e, 'LocalStore.importPath: import failed', file);
      this.log.debug({ file, code: error.code }, 'import: file not stored');
      if (error.code === 'PACS_ERR_NOT_DICOM')
        return { file, status: 'skipped', reason: `not DICOM: ${error.message}`, error };
      if (error.details.field === 'DICOMDIR') {
        return { file, status: 'skipped', reason: 'a DICOMDIR (media index), not an instance', error };
      }
      return { file, status: 'failed', error };
    }
  }

  /** Files to import, sorted; linked folders and the store's own folder become 'skipped' outcomes. */
  private async collectFiles(target: string): Promise<(string | ImportOutcome)[]> {
    let info;
    try {
      info = await stat(target);
    } catch (e) {
      throw pacsError(
        'PACS_ERR_FILE_READ',
        `LocalStore.importPath: cannot read: ${describeThrown(e)}`,
        { file: target },
        e,
      );
    }
    if (!info.isDirectory()) return [target];
    const found: (string | ImportOutcome)[] = [];
    const visit = async (dir: string): Promise<void> => {
      if ((await realpath(dir)) === this.root) {
        found.push({ file: dir, status: 'skipped', reason: "the store's own folder is never imported" });
        return;
      }
      const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
      );
      for (const entry of entries) {
        const child = path.join(dir, entry.name);
        if (entry.isDirectory()) await visit(child);
        else if (entry.isFile()) found.push(child);
        else if (entry.isSymbolicLink()) {
          const linked = await stat(child).catch(() => undefined);
          if (linked?.isFile()) found.push(child);
          else
            found.push({
              file: child,
              status: 'skipped',
              reason: 'symbolic link to a folder or to nothing: not followed',
            });
        } else found.push({ file: child, status: 'skipped', reason: 'not a regular file' });
      }
    };
    try {
      await visit(target);
    } catch (e) {
      throw pacsError(
        'PACS_ERR_FILE_READ',
        `LocalStore.importPath: cannot list: ${describeThrown(e)}`,
        { file: target },
        e,
      );
    }
    return found;
  }

  /** StageHost.admit: validates and refuses anything already stored. */
  private admitStaged(bytes: Uint8Array, source: string): PreparedInstance {
    const prepared = prepareInstance(bytes, source);
    this.assertNew(prepared, source);
    return prepared;
  }

  private assertNew(prepared: PreparedInstance, source: string): void {
    const { sopInstanceUid, seriesInstanceUid } = prepared.instance;
    if (this.index.seriesStudy(seriesInstanceUid) !== undefined) {
      throw pacsError(
        'PACS_ERR_STORE_CONFLICT',
        `SeriesInstanceUID ${seriesInstanceUid} is already stored: expected a new series`,
        {
          file: source,
          tag: '0020000E',
          seriesInstanceUid,
        },
      );
    }
    if (this.index.findInstance(sopInstanceUid) !== undefined) {
      throw pacsError(
        'PACS_ERR_STORE_CONFLICT',
        `SOPInstanceUID ${sopInstanceUid} is already stored: expected a new instance`,
        {
          file: source,
          tag: '00080018',
          sopInstanceUid,
        },
      );
    }
  }

  /**
   * StageHost.publish. The commit point is the rename of the stage folder to objects/<study>/<series>: before
   * it recovery discards the stage, after it recovery indexes the whole folder should the transaction be lost.
   */
  private async publish(content: StagedContent): Promise<CommitResult> {
    return this.mutex.run(async () => {
      this.assertOpen('StagedSeries.commit');
      for (const { prepared, source } of content.items) this.assertNew(prepared, source);
      const studyDir = path.join(this.layout.objectsDir, content.studyInstanceUid);
      const seriesDir = path.join(studyDir, content.seriesInstanceUid);
      try {
        await removeDirIfEmpty(seriesDir);
        await syncDir(content.dir);
        await makeDirDurable(studyDir);
        await rename(content.dir, seriesDir);
      } catch (e) {
        const exists = isErrno(e, 'ENOTEMPTY') || isErrno(e, 'EEXIST');
        throw exists
          ? pacsError(
              'PACS_ERR_STORE_CONFLICT',
              `StagedSeries.commit: ${seriesDir} exists: expected no folder for a new series`,
              {
                file: seriesDir,
                seriesInstanceUid: content.seriesInstanceUid,
                stage: content.id,
              },
            )
          : asStoreError(e, 'StagedSeries.commit: cannot publish the stage folder', seriesDir);
      }
      try {
        await syncDir(studyDir);
        this.index.upsert(content.items);
      } catch (e) {
        // Undo the publish so that a failed commit shows nothing; the stage stays usable.
        await rename(seriesDir, content.dir).catch(() => undefined);
        await syncDir(studyDir).catch(() => undefined);
        await removeDirIfEmpty(studyDir).catch(() => false);
        throw asStoreError(e, 'StagedSeries.commit: indexing failed, stage left unpublished', seriesDir);
      }
      this.log.info(
        { seriesInstanceUid: content.seriesInstanceUid, instances: content.items.length, stage: content.id },
        'stage committed',
      );
      return {
        studyInstanceUid: content.studyInstanceUid,
        seriesInstanceUid: content.seriesInstanceUid,
        instances: content.items.length,
        path: seriesDir,
      };
    });
  }
}

/** Passes registry errors through; wraps anything else (ENOSPC, SQLite…) as PACS_ERR_STORE with its cause. */
function asStoreError(e: unknown, what: string, file: string): PacsError {
  if (e instanceof PacsError) return e;
  return pacsError('PACS_ERR_STORE', `${what}: ${describeThrown(e)}`, { file }, e);
}
