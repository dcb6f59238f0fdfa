import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { GsdiffError } from '../../common/index.js';
import type { AuditEntry } from '../AuditLog.js';
import type { DicomWebContext } from './DicomWebContext.js';
import { validUidsOf } from './pathParams.js';

/** The signature every DICOMweb service handler has (one per file, as Orthanc's plugin does). */
export type ServiceHandler = (req: Request, res: Response, ctx: DicomWebContext) => Promise<void>;

/**
 * Wraps a service handler: a failure is audited (`outcome: 'error'`, the error code, the path's valid UIDs — never
 * query values, which may be patient names or IDs) and passed to the error handler, or, once a streamed answer
 * has started, ends the connection so the client sees a truncated body instead of a false success.
 */
export function audited(ctx: DicomWebContext, action: AuditEntry['action'], handler: ServiceHandler): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      ctx.actorOf(req);
      await handler(req, res, ctx);
    } catch (e) {
      const code = e instanceof GsdiffError ? e.code : 'SRV_ERR_INTERNAL';
      try {
        ctx.audit(req, {
          action,
          ...validUidsOf(req),
          outcome: 'error',
          detail: `${req.method} ${req.route?.path ?? req.path}: ${code}`,
        });
      } catch (auditError) {
        ctx.log.error({ code }, 'audit of a failed request failed');
        if (!res.headersSent) return next(auditError);
      }
      if (res.headersSent) {
        ctx.log.error(
          { code, route: req.route?.path, err: e instanceof Error ? e.message : String(e) },
          'DICOMweb answer failed after it started: connection closed',
        );
        res.destroy();
        return;
      }
      next(e);
    }
  };
}
