import { appendFileSync } from 'node:fs';

/** One audited action: who did what to which study/series/job. UIDs only: never patient name, ID or birth date. */
export interface AuditEntry {
  readonly actor: string;
  readonly action:
    | 'job.create'
    | 'job.cancel'
    | 'job.read'
    | 'dicomweb.search'
    | 'dicomweb.retrieve'
    | 'dicomweb.store'
    | 'ws.subscribe'
    | 'auth.denied';
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  readonly sopInstanceUid?: string;
  readonly jobId?: string;
  readonly outcome: 'ok' | 'denied' | 'error';
  readonly detail?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
}

/** Appends JSON lines to a file (synchronously: an audit line must not be lost to a crash right after the action). */
export function fileAuditLog(path: string): AuditLog {
  return {
    record: (entry) => appendFileSync(path, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`),
  };
}

/** Collects entries in memory (tests). */
export function memoryAuditLog(): AuditLog & { readonly entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return { entries, record: (e) => void entries.push(e) };
}
