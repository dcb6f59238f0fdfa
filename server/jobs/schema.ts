import type Database from 'better-sqlite3';
import { migrateSchema } from '../../common/index.js';
import { serverError } from '../errors.js';

/**
 * Job database migrations. Entry i takes the database from version i to i+1; never edit a released entry, append a
 * new one. The version lives in `schema_version` (one row).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: one row per job; JSON columns hold the spec, the stage timings and the push-back report.
  `
  CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    spec TEXT NOT NULL,
    source_id TEXT NOT NULL,
    series_uid TEXT NOT NULL,
    actor TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    stage TEXT,
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER NOT NULL DEFAULT 0,
    timings TEXT NOT NULL DEFAULT '{}',
    degradation TEXT,
    derived_series_uid TEXT,
    published_at TEXT,
    push_back TEXT,
    error_code TEXT,
    error_message TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    seed INTEGER NOT NULL,
    trigger TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT
  ) STRICT;
  CREATE INDEX jobs_state ON jobs (state, seq);
  CREATE INDEX jobs_series ON jobs (source_id, series_uid);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION and returns the version.
 * @throws SRV_ERR_JOB_STORE when the database was written by a newer build
 */
export function migrate(db: Database.Database, file: string): number {
  return migrateSchema(db, MIGRATIONS, (found, latest) =>
    serverError(
      'SRV_ERR_JOB_STORE',
      `${file}: schema version ${found}: expected at most ${latest} (written by a newer build)`,
      { file, field: 'schema_version' },
    ),
  );
}
