import type Database from 'better-sqlite3';
import { migrateSchema } from '../../common/index.js';
import { pacsError } from '../errors.js';

/**
 * Index schema migrations. Entry i takes the index from version i to i+1; never edit a released entry, append
 * a new one. The version lives in `schema_version` (one row).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: studies / series / instances, with the attributes QIDO-RS matches and returns at each level.
  `
  CREATE TABLE studies (
    study_uid TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT,
    patient_name TEXT,
    patient_birth_date TEXT,
    patient_sex TEXT,
    study_date TEXT,
    study_time TEXT,
    study_description TEXT,
    accession_number TEXT,
    study_id TEXT,
    referring_physician_name TEXT
  ) STRICT;
  CREATE INDEX studies_patient_id ON studies (patient_id);
  CREATE INDEX studies_study_date ON studies (study_date);
  CREATE INDEX studies_accession ON studies (accession_number);

  CREATE TABLE series (
    series_uid TEXT PRIMARY KEY NOT NULL,
    study_uid TEXT NOT NULL REFERENCES studies (study_uid),
    modality TEXT,
    series_number INTEGER,
    series_description TEXT,
    series_date TEXT,
    series_time TEXT,
    body_part TEXT
  ) STRICT;
  CREATE INDEX series_study ON series (study_uid);

  CREATE TABLE instances (
    sop_uid TEXT PRIMARY KEY NOT NULL,
    series_uid TEXT NOT NULL REFERENCES series (series_uid),
    study_uid TEXT NOT NULL REFERENCES studies (study_uid),
    sop_class_uid TEXT NOT NULL,
    transfer_syntax_uid TEXT NOT NULL,
    instance_number INTEGER,
    image_rows INTEGER,
    image_columns INTEGER,
    number_of_frames INTEGER,
    rel_path TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    byte_size INTEGER NOT NULL,
    source TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    -- 1 while an overwrite is between "file renamed" and "row updated"; recovery re-reads such rows.
    pending INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  CREATE INDEX instances_series_order ON instances (series_uid, instance_number, sop_uid);
  CREATE INDEX instances_study ON instances (study_uid);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the index to SCHEMA_VERSION and returns the version.
 * @throws PACS_ERR_STORE when the index was written by a newer build (version above SCHEMA_VERSION)
 */
export function migrate(db: Database.Database, file: string): number {
  return migrateSchema(db, MIGRATIONS, (found, latest) =>
    pacsError(
      'PACS_ERR_STORE',
      `index schema version is ${found}: expected at most ${latest} (written by a newer build)`,
      { file, field: 'schema_version' },
    ),
  );
}
