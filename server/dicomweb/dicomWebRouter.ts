import express, { type Router } from 'express';
import type { LocalStore } from '../../pacs-adapters/index.js';
import { serverError } from '../errors.js';
import { errorHandler } from '../http/errorHandler.js';
import { dicomWebContext, type DicomWebOptions } from './DicomWebContext.js';
import { framesRoutes } from './framesRs.js';
import { metadataRoutes } from './metadataRs.js';
import { qidoRoutes } from './qidoRs.js';
import { stowRoutes } from './stowRs.js';
import { wadoRoutes } from './wadoRs.js';

/**
 * The DICOMweb service (PS3.18) over a LocalStore: QIDO-RS searches, WADO-RS retrieve / metadata / frames, and
 * STOW-RS. Mount it where clients expect the DICOMweb root, behind the authentication middleware (the router does
 * no authentication itself). Every search, retrieve and store is audited (actor, UIDs, outcome); every error is a
 * registry code rendered as JSON `{ code, message, details }` by the router's own error handler, so it behaves the
 * same mounted in the app or on a bare Express app.
 * @param store - an open LocalStore (the router never closes it)
 * @param o - audit log, logger, STOW body limit, actor and root-URL functions
 * @example
 * app.use('/dicom-web', requireToken(token, audit), dicomWebRouter(store, { audit, logger, maxBodyBytes, actorOf }));
 */
export function dicomWebRouter(store: LocalStore, o: DicomWebOptions): Router {
  const ctx = dicomWebContext(store, o);
  const router = express.Router();
  // Clients that join a root ending in "/" with "/studies" send "//studies"; the path is normalised, not refused.
  router.use((req, _res, next) => {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : req.url.slice(q));
    next();
  });
  qidoRoutes(router, ctx);
  metadataRoutes(router, ctx);
  framesRoutes(router, ctx);
  wadoRoutes(router, ctx);
  stowRoutes(router, ctx);
  router.use((req, _res, next) => {
    next(
      serverError('SRV_ERR_NOT_FOUND', `${req.method} ${req.baseUrl}${req.path}: no such DICOMweb resource`, {
        route: `${req.baseUrl}${req.path}`,
      }),
    );
  });
  router.use(errorHandler(ctx.log));
  return router;
}
