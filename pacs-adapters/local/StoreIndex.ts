import path from 'node:path';
import Database from 'better-sqlite3';
import { describeThrown } from '../../common/index.js';
import { PacsError, pacsError } from '../errors.js';
import type { PreparedInstance } from './prepareInstance.js';
import { migrate } from './schema.js';
import { studyQuery } from './studyQuery.js';
import type { InstanceEntry, SeriesEntry, StudyEntry, StudyFilter } from './types.js';

/** What the store needs to know about an indexed instance before writing over or around it. */
export interface IndexedInstance {
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly relPath: string;
  readonly sha256: string;
  readonly byteSize: number;
  readonly pending: boolean;
}

/** One instance to index, and where its bytes came from. */
export interface IndexItem {
  readonly prepared: PreparedInstance;
  readonly source: string;
}

type Nullable<T> = { [K in keyof T]: T[K] | null };

interface StudyRow {
  study_uid: string;
  patient_id: string | null;
  patient_name: string | null;
  patient_birth_date: string | null;
  patient_sex: string | null;
  study_date: string | null;
  study_time: string | null;
  study_description: string | null;
  accession_number: string | null;
  study_id: string | null;
  referring_physician_name: string | null;
  n_series: number;
  n_instances: number;
  modalities: string | null;
}

interface SeriesRow {
  series_uid: string;
  study_uid: string;
  modality: string | null;
  series_number: number | null;
  series_description: string | null;
  series_date: string | null;
  series_time: string | null;
  body_part: string | null;
  n_instances: number;
  /** Frames of the series: NumberOfFrames summed, 1 for a single-frame instance. */
  n_frames: number;
}

interface InstanceRow {
  sop_uid: string;
  series_uid: string;
  study_uid: string;
  sop_class_uid: string;
  transfer_syntax_uid: string;
  instance_number: number | null;
  image_rows: number | null;
  image_columns: number | null;
  number_of_frames: number | null;
  rel_path: string;
  sha256: string;
  byte_size: number;
  source: string;
  stored_at: string;
  pending: number;
}

interface Upserts {
  readonly upsertStudy: Database.Statement<[Nullable<Omit<StudyRow, 'n_series' | 'n_instances' | 'modalities'>>]>;
  readonly upsertSeries: Database.Statement<[Nullable<Omit<SeriesRow, 'n_instances' | 'n_frames'>>]>;
  readonly upsertInstance: Database.Statement<[Nullable<Omit<InstanceRow, 'pending'>>]>;
}

const INSTANCE_ORDER = 'ORDER BY instance_number ASC NULLS LAST, sop_uid ASC';

/**
 * The SQLite index of a local store (better-sqlite3, WAL, synchronous=FULL). Every method is synchronous and
 * every multi-row change runs in one transaction. Knows nothing of files beyond the relative paths it records.
 */
export class StoreIndex {
  readonly file: string;
  readonly schemaVersion: number;
  private readonly db: Database.Database;
  private readonly root: string;
  private readonly statements: Upserts;

  private constructor(root: string, file: string, db: Database.Database, schemaVersion: number) {
    this.root = root;
    this.file = file;
    this.db = db;
    this.schemaVersion = schemaVersion;
    this.statements = prepareUpserts(db);
  }

  /**
   * Opens (creating if needed) `<root>/index.sqlite` and migrates it.
   * @throws PACS_ERR_STORE when SQLite cannot open the file or the schema is newer than this build
   */
  static open(root: string): StoreIndex {
    const file = path.join(root, 'index.sqlite');
    let db: Database.Database | undefined;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      // FULL: a committed row is on disk before the call returns, like the fsynced files it points to.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      const version = migrate(db, file);
      return new StoreIndex(root, file, db, version);
    } catch (e) {
      db?.close();
      if (e instanceof PacsError) throw e;
      throw pacsError('PACS_ERR_STORE', `cannot open the index: ${describeThrown(e)}`, { file }, e);
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  findInstance(sopInstanceUid: string): IndexedInstance | undefined {
    const row = this.db.prepare<[string], InstanceRow>('SELECT * FROM instances WHERE sop_uid = ?').get(sopInstanceUid);
    return row === undefined ? undefined : toIndexed(row);
  }

  /** The study a series is indexed under, or undefined when the series is not indexed. */
  seriesStudy(seriesInstanceUid: string): string | undefined {
    return this.db
      .prepare<[string], { study_uid: string }>('SELECT study_uid FROM series WHERE series_uid = ?')
      .get(seriesInstanceUid)?.study_uid;
  }

  /**
   * Inserts or replaces instances, creating their study and series rows (existing study and series attributes
   * are kept; blanks are filled), in one transaction, then drops series and studies left empty.
   * @throws PACS_ERR_STORE_CONFLICT when a series is already indexed under another study (nothing is written)
   */
  upsert(items: readonly IndexItem[]): void {
    const storedAt = new Date().toISOString();
    const run = this.db.transaction(() => {
      for (const { prepared, source } of items) {
        const { study, series, instance } = prepared;
        const owner = this.seriesStudy(series.seriesInstanceUid);
        if (owner !== undefined && owner !== series.studyInstanceUid) {
          throw seriesConflict(source, series.seriesInstanceUid, owner, series.studyInstanceUid);
        }
        this.statements.upsertStudy.run({
          study_uid: study.studyInstanceUid,
          patient_id: study.patientId ?? null,
          patient_name: study.patientName ?? null,
          patient_birth_date: study.patientBirthDate ?? null,
          patient_sex: study.patientSex ?? null,
          study_date: study.studyDate ?? null,
          study_time: study.studyTime ?? null,
          study_description: study.studyDescription ?? null,
          accession_number: study.accessionNumber ?? null,
          study_id: study.studyId ?? null,
          referring_physician_name: study.referringPhysicianName ?? null,
        });
        this.statements.upsertSeries.run({
          series_uid: series.seriesInstanceUid,
          study_uid: series.studyInstanceUid,
          modality: series.modality ?? null,
          series_number: series.seriesNumber ?? null,
          series_description: series.seriesDescription ?? null,
          series_date: series.seriesDate ?? null,
          series_time: series.seriesTime ?? null,
          body_part: series.bodyPartExamined ?? null,
        });
        this.statements.upsertInstance.run({
          sop_uid: instance.sopInstanceUid,
          series_uid: instance.seriesInstanceUid,
          study_uid: instance.studyInstanceUid,
          sop_class_uid: instance.sopClassUid,
          transfer_syntax_uid: instance.transferSyntaxUid,
          instance_number: instance.instanceNumber ?? null,
          image_rows: instance.rows ?? null,
          image_columns: instance.columns ?? null,
          number_of_frames: instance.numberOfFrames ?? null,
          rel_path: prepared.relPath,
          sha256: prepared.sha256,
          byte_size: prepared.byteSize,
          source,
          stored_at: storedAt,
        });
      }
      this.pruneEmpty();
    });
    run.immediate();
  }

  /** Flags a row whose file is about to be replaced; recovery re-reads flagged rows from their file. */
  markPending(sopInstanceUid: string): void {
    this.db.prepare('UPDATE instances SET pending = 1 WHERE sop_uid = ?').run(sopInstanceUid);
  }

  /** Every instance's relative path, for reconciling with the files on disk. */
  allInstances(): IndexedInstance[] {
    return this.db.prepare<[], InstanceRow>('SELECT * FROM instances').all().map(toIndexed);
  }

  /** Removes instance rows in one transaction (and series/studies left empty); returns how many went. */
  removeInstances(sopInstanceUids: readonly string[]): number {
    const del = this.db.prepare<[string]>('DELETE FROM instances WHERE sop_uid = ?');
    const run = this.db.transaction((): number => {
      let n = 0;
      for (const uid of sopInstanceUids) n += del.run(uid).changes;
      this.pruneEmpty();
      return n;
    });
    return run.immediate();
  }

  /** Removes a series' rows (and its study when left empty) in one transaction. */
  removeSeries(seriesInstanceUid: string): { instances: number; bytes: number } {
    const run = this.db.transaction(() => {
      const totals = this.db
        .prepare<[string], { n: number; bytes: number | null }>(
          'SELECT COUNT(*) AS n, SUM(byte_size) AS bytes FROM instances WHERE series_uid = ?',
        )
        .get(seriesInstanceUid);
      this.db.prepare('DELETE FROM instances WHERE series_uid = ?').run(seriesInstanceUid);
      this.db.prepare('DELETE FROM series WHERE series_uid = ?').run(seriesInstanceUid);
      this.pruneEmpty();
      return { instances: totals?.n ?? 0, bytes: totals?.bytes ?? 0 };
    });
    return run.immediate();
  }

  listStudies(filter: StudyFilter = {}): StudyEntry[] {
    const { where, params, limit, offset } = studyQuery(filter);
    const sql = `
      SELECT s.*,
        (SELECT COUNT(*) FROM series se WHERE se.study_uid = s.study_uid) AS n_series,
        (SELECT COUNT(*) FROM instances i WHERE i.study_uid = s.study_uid) AS n_instances,
        (SELECT GROUP_CONCAT(DISTINCT se.modality) FROM series se WHERE se.study_uid = s.study_uid) AS modalities
      FROM studies s ${where}
      ORDER BY s.study_date ASC NULLS LAST, s.study_uid ASC
      LIMIT @limit OFFSET @offset`;
    return this.db
      .prepare<Record<string, string | number>, StudyRow>(sql)
      .all({ ...params, limit, offset })
      .map(toStudyEntry);
  }

  listSeries(studyInstanceUid?: string): SeriesEntry[] {
    const sql = `
      SELECT se.*, (SELECT COUNT(*) FROM instances i WHERE i.series_uid = se.series_uid) AS n_instances,
        (SELECT COALESCE(SUM(COALESCE(i.number_of_frames, 1)), 0) FROM instances i WHERE i.series_uid = se.series_uid)
          AS n_frames
      FROM series se ${studyInstanceUid === undefined ? '' : 'WHERE se.study_uid = @study'}
      ORDER BY se.study_uid ASC, se.series_number ASC NULLS LAST, se.series_uid ASC`;
    const params: Record<string, string> = studyInstanceUid === undefined ? {} : { study: studyInstanceUid };
    return this.db.prepare<Record<string, string>, SeriesRow>(sql).all(params).map(toSeriesEntry);
  }

  listInstances(seriesInstanceUid: string): InstanceEntry[] {
    return this.db
      .prepare<[string], InstanceRow>(`SELECT * FROM instances WHERE series_uid = ? ${INSTANCE_ORDER}`)
      .all(seriesInstanceUid)
      .map((row) => this.toInstanceEntry(row));
  }

  getInstance(sopInstanceUid: string): InstanceEntry | undefined {
    const row = this.db.prepare<[string], InstanceRow>('SELECT * FROM instances WHERE sop_uid = ?').get(sopInstanceUid);
    return row === undefined ? undefined : this.toInstanceEntry(row);
  }

  counts(): { studies: number; series: number; instances: number; bytes: number } {
    const row = this.db
      .prepare<[], { studies: number; series: number; instances: number; bytes: number | null }>(
        `SELECT (SELECT COUNT(*) FROM studies) AS studies, (SELECT COUNT(*) FROM series) AS series,
                (SELECT COUNT(*) FROM instances) AS instances, (SELECT SUM(byte_size) FROM instances) AS bytes`,
      )
      .get();
    return {
      studies: row?.studies ?? 0,
      series: row?.series ?? 0,
      instances: row?.instances ?? 0,
      bytes: row?.bytes ?? 0,
    };
  }

  /** Absolute path of a relative path recorded in the index. */
  absolute(relPath: string): string {
    return path.join(this.root, ...relPath.split('/'));
  }

  private pruneEmpty(): void {
    this.db.exec(`
      DELETE FROM series WHERE NOT EXISTS (SELECT 1 FROM instances i WHERE i.series_uid = series.series_uid);
      DELETE FROM studies WHERE NOT EXISTS (SELECT 1 FROM series se WHERE se.study_uid = studies.study_uid);`);
  }

  private toInstanceEntry(row: InstanceRow): InstanceEntry {
    return {
      studyInstanceUid: row.study_uid,
      seriesInstanceUid: row.series_uid,
      sopInstanceUid: row.sop_uid,
      sopClassUid: row.sop_class_uid,
      transferSyntaxUid: row.transfer_syntax_uid,
      instanceNumber: row.instance_number ?? undefined,
      rows: row.image_rows ?? undefined,
      columns: row.image_columns ?? undefined,
      numberOfFrames: row.number_of_frames ?? undefined,
      path: this.absolute(row.rel_path),
      sha256: row.sha256,
      byteSize: row.byte_size,
      source: row.source,
      storedAt: row.stored_at,
    };
  }
}

/** PACS_ERR_STORE_CONFLICT for a series UID that arrives under a second study. */
export function seriesConflict(file: string, series: string, indexedStudy: string, gotStudy: string): Error {
  return pacsError(
    'PACS_ERR_STORE_CONFLICT',
    `SeriesInstanceUID ${series} is stored under StudyInstanceUID ${indexedStudy}: expected that study, got ${gotStudy}`,
    { file, tag: '0020000D', seriesInstanceUid: series, studyInstanceUid: gotStudy },
  );
}

function toIndexed(row: InstanceRow): IndexedInstance {
  return {
    sopInstanceUid: row.sop_uid,
    seriesInstanceUid: row.series_uid,
    studyInstanceUid: row.study_uid,
    relPath: row.rel_path,
    sha256: row.sha256,
    byteSize: row.byte_size,
    pending: row.pending !== 0,
  };
}

function toStudyEntry(row: StudyRow): StudyEntry {
  return {
    studyInstanceUid: row.study_uid,
    patientId: row.patient_id ?? undefined,
    patientName: row.patient_name ?? undefined,
    patientBirthDate: row.patient_birth_date ?? undefined,
    patientSex: row.patient_sex ?? undefined,
    studyDate: row.study_date ?? undefined,
    studyTime: row.study_time ?? undefined,
    studyDescription: row.study_description ?? undefined,
    accessionNumber: row.accession_number ?? undefined,
    studyId: row.study_id ?? undefined,
    referringPhysicianName: row.referring_physician_name ?? undefined,
    modalitiesInStudy: (row.modalities ?? '')
      .split(',')
      .filter((m) => m !== '')
      .sort(),
    numberOfSeries: row.n_series,
    numberOfInstances: row.n_instances,
  };
}

function toSeriesEntry(row: SeriesRow): SeriesEntry {
  return {
    studyInstanceUid: row.study_uid,
    seriesInstanceUid: row.series_uid,
    modality: row.modality ?? undefined,
    seriesNumber: row.series_number ?? undefined,
    seriesDescription: row.series_description ?? undefined,
    seriesDate: row.series_date ?? undefined,
    seriesTime: row.series_time ?? undefined,
    bodyPartExamined: row.body_part ?? undefined,
    numberOfInstances: row.n_instances,
    numberOfFrames: row.n_frames,
  };
}

const STUDY_COLUMNS = [
  'patient_id',
  'patient_name',
  'patient_birth_date',
  'patient_sex',
  'study_date',
  'study_time',
  'study_description',
  'accession_number',
  'study_id',
  'referring_physician_name',
];
const SERIES_COLUMNS = ['modality', 'series_number', 'series_description', 'series_date', 'series_time', 'body_part'];
const INSTANCE_COLUMNS = [
  'series_uid',
  'study_uid',
  'sop_class_uid',
  'transfer_syntax_uid',
  'instance_number',
  'image_rows',
  'image_columns',
  'number_of_frames',
  'rel_path',
  'sha256',
  'byte_size',
  'source',
  'stored_at',
];

/**
 * Upserts. Study and series rows keep the attributes they were created with and only fill blanks (COALESCE),
 * so a derived series cannot rename a study; an instance row is replaced whole and its pending flag cleared.
 */
function prepareUpserts(db: Database.Database): Upserts {
  const insert = (table: string, key: string, cols: readonly string[], set: readonly string[]): string =>
    `INSERT INTO ${table} (${[key, ...cols].join(', ')}) VALUES (${[key, ...cols].map((c) => `@${c}`).join(', ')})
     ON CONFLICT (${key}) DO UPDATE SET ${set.join(', ')}`;
  const keep = (table: string) => (col: string) => `${col} = COALESCE(${table}.${col}, excluded.${col})`;
  return {
    upsertStudy: db.prepare(insert('studies', 'study_uid', STUDY_COLUMNS, STUDY_COLUMNS.map(keep('studies')))),
    upsertSeries: db.prepare(
      insert('series', 'series_uid', ['study_uid', ...SERIES_COLUMNS], SERIES_COLUMNS.map(keep('series'))),
    ),
    upsertInstance: db.prepare(
      insert('instances', 'sop_uid', INSTANCE_COLUMNS, [
        ...INSTANCE_COLUMNS.map((c) => `${c} = excluded.${c}`),
        'pending = 0',
      ]),
    ),
  };
}
