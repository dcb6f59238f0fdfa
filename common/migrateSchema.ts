import type Database from 'better-sqlite3';

/**
 * Brings a SQLite database to the version its migrations list reaches, in one immediate transaction, and returns
 * that version. Entry i of `migrations` takes the database from version i to i+1; the version lives in
 * `schema_version` (one row). Each owner keeps its own list and its own error for a database from a newer build.
 * @param migrations - SQL scripts; never edit a released entry, append a new one
 * @param newerThanBuild - the error to throw when the stored version is above `migrations.length`
 * @throws what `newerThanBuild` returns
 * @example
 * const version = migrateSchema(db, MIGRATIONS, (found, latest) => new Error(`version ${found} > ${latest}`));
 */
export function migrateSchema(
  db: Database.Database,
  migrations: readonly string[],
  newerThanBuild: (found: number, latest: number) => Error,
): number {
  const latest = migrations.length;
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT');
  const apply = db.transaction((): number => {
    const row = db.prepare<[], { version: number }>('SELECT version FROM schema_version').get();
    const current = row?.version ?? 0;
    if (current > latest) throw newerThanBuild(current, latest);
    for (let v = current; v < latest; v += 1) db.exec(migrations[v]);
    if (row === undefined) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(latest);
    else db.prepare('UPDATE schema_version SET version = ?').run(latest);
    return latest;
  });
  return apply.immediate();
}
