import cors from 'cors';
import express, { type Express, type Request, type Router } from 'express';
import type { Logger } from '../common/index.js';
import type { PacsAdapter } from '../pacs-adapters/index.js';
import type { AuditLog } from './AuditLog.js';
import { serverError } from './errors.js';
import { requireToken } from './http/auth.js';
import { browseRoutes } from './http/browseRoutes.js';
import { errorHandler } from './http/errorHandler.js';
import { jobRoutes, type JobsApi } from './http/jobRoutes.js';
import type { ServerConfig } from './config/index.js';
import type { ServerStatus } from '../wire/index.js';

export interface AppDeps {
  readonly config: ServerConfig;
  readonly sources: ReadonlyMap<string, PacsAdapter>;
  readonly jobs: JobsApi;
  readonly audit: AuditLog;
  readonly logger: Logger;
  /** The DICOMweb service over the local store (server/dicomweb), mounted behind the token at /dicom-web. */
  readonly dicomWeb?: Router;
  readonly version: string;
  /** What `GET /api/status` answers (the demo study's generation state); without it the route says idle. */
  readonly status?: () => ServerStatus;
}

/** Who made a request, for the audit log: one shared token, so the caller's address is what tells callers apart. */
export function actorOf(req: Request): string {
  return `token@${req.ip ?? 'unknown'}`;
}

/**
 * The Express app: /healthz open; /api and /dicom-web behind the token; CORS limited to the allow-list; bodies
 * limited; the built viewer served as static files when present; every error rendered as JSON by one handler.
 */
export function createApp(d: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  const allowed = new Set(d.config.corsOrigins);
  // The server's own origin is always allowed: browsers send Origin on same-origin module scripts and POSTs, so the
  // viewer served here must not need listing; other origins need the allow-list.
  app.use(
    cors((req, cb) => {
      const origin = req.headers.origin;
      const own = `${(req as Request).protocol}://${req.headers.host ?? ''}`;
      if (!origin || origin === own || allowed.has(origin)) {
        cb(null, {
          origin: origin ? true : false,
          allowedHeaders: ['authorization', 'content-type', 'accept'],
          maxAge: 600,
        });
      } else {
        cb(
          serverError(
            'SRV_ERR_FORBIDDEN_ORIGIN',
            `origin ${origin}: expected this server's own origin or one of the configured CORS origins`,
            { field: 'Origin' },
          ),
        );
      }
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: d.version });
  });
  const auth = requireToken({ value: d.config.token, expiresAt: d.config.tokenExpiresAt }, d.audit);
  app.use(
    '/api',
    auth,
    express.json({ limit: '1mb' }),
    express.Router().get('/status', (_req, res) => {
      res.json(d.status?.() ?? ({ demo: { state: 'idle' } } satisfies ServerStatus));
    }),
    browseRoutes(d.sources),
    jobRoutes(d.jobs, d.audit, actorOf, (id) => d.config.sources.some((s) => s.id === id && s.pushBack === true)),
  );
  if (d.dicomWeb) app.use('/dicom-web', auth, d.dicomWeb);
  if (d.config.viewerDir) app.use(express.static(d.config.viewerDir, { index: 'index.html', fallthrough: true }));
  app.use((req, _res, next) =>
    next(serverError('SRV_ERR_NOT_FOUND', `${req.method} ${req.path}: no such route`, { route: req.path })),
  );
  app.use(errorHandler(d.logger));
  return app;
}
