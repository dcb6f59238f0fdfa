import type { Request } from 'express';
import type { Logger } from '../../common/index.js';
import type { LocalStore } from '../../pacs-adapters/index.js';
import type { AuditEntry, AuditLog } from '../AuditLog.js';

/** Options of `dicomWebRouter`. */
export interface DicomWebOptions {
  readonly audit: AuditLog;
  /** The service logs through a child `{ module: 'server/dicomweb' }`: UIDs, counts, timings; never patient data. */
  readonly logger: Logger;
  /** Largest accepted STOW-RS request body, bytes (413 beyond). */
  readonly maxBodyBytes: number;
  /** Who made the request, for the audit log. */
  actorOf(req: Request): string;
  /**
   * Absolute URL of the DICOMweb root as clients reach it (no trailing slash), used for RetrieveURL and
   * BulkDataURI. Default: `<protocol>://<Host header><mount path>`.
   */
  baseUrl?(req: Request): string;
}

/** What every service handler gets: the store, the options, and helpers bound to them. */
export interface DicomWebContext {
  readonly store: LocalStore;
  readonly log: Logger;
  readonly maxBodyBytes: number;
  /** The DICOMweb root URL for this request (no trailing slash). */
  rootUrl(req: Request): string;
  /** Records one audit entry with the request's actor. */
  audit(req: Request, entry: Omit<AuditEntry, 'actor'>): void;
  /** Takes the request's actor now (at the start of a request), for audit entries recorded later. */
  actorOf(req: Request): string;
}

export function dicomWebContext(store: LocalStore, o: DicomWebOptions): DicomWebContext {
  const log = o.logger.child({ module: 'server/dicomweb' });
  // The actor is taken once per request, while its socket is attached (a body read to its end or cut off
  // detaches it, and Express' req.ip then fails).
  const actors = new WeakMap<Request, string>();
  const actorOf = (req: Request): string => {
    let actor = actors.get(req);
    if (actor === undefined) {
      actor = o.actorOf(req);
      actors.set(req, actor);
    }
    return actor;
  };
  return {
    store,
    log,
    actorOf,
    maxBodyBytes: o.maxBodyBytes,
    rootUrl: (req) =>
      (o.baseUrl ? o.baseUrl(req) : `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`).replace(
        /\/+$/,
        '',
      ),
    audit: (req, entry) => {
      try {
        o.audit.record({ actor: actorOf(req), ...entry });
      } catch (e) {
        // An audit failure must be visible; it does not undo the action already answered.
        log.error({ err: e instanceof Error ? e.message : String(e), action: entry.action }, 'audit record failed');
        throw e;
      }
    },
  };
}
