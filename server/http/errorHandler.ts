import type { NextFunction, Request, Response } from 'express';
import { GsdiffError, type Logger } from '../../common/index.js';

/**
 * Renders every error as JSON `{ code, message, details }` with the registry's HTTP status (Orthanc's DICOMweb plugin
 * and fastify do the same); body-parser's own errors map to their status; anything else is a 500 without internals.
 */
export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (err instanceof GsdiffError) {
      res.status(err.status).json(err.toJSON());
      if (err.status >= 500) logger.error({ code: err.code, route: req.path }, err.message);
      return;
    }
    const status =
      (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code =
        status === 413
          ? 'SRV_ERR_PAYLOAD_TOO_LARGE'
          : status === 415
            ? 'SRV_ERR_UNSUPPORTED_MEDIA'
            : 'SRV_ERR_BAD_REQUEST';
      res.status(status).json({ code, message: `${req.method} ${req.path}: ${(err as Error).message}`, details: {} });
      return;
    }
    logger.error({ route: req.path, err: err instanceof Error ? err.message : String(err) }, 'unhandled error');
    res.status(500).json({ code: 'SRV_ERR_INTERNAL', message: 'internal error', details: {} });
  };
}
