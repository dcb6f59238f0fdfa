import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { AuditLog } from '../AuditLog.js';
import { serverError } from '../errors.js';

/** The token of a request: `Authorization: Bearer <t>`, or `?token=<t>` (websocket upgrades from browsers). */
export function requestToken(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return h.slice(7).trim();
  const q = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
  return q ?? undefined;
}

/** Constant-time comparison, so response timing says nothing about how much of a token was right. */
export function tokenMatches(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Express middleware: every route behind it needs the token; failures are audited (without the token). */
export function requireToken(expected: string, audit: AuditLog) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (tokenMatches(requestToken(req), expected)) return next();
    audit.record({
      actor: req.ip ?? 'unknown',
      action: 'auth.denied',
      outcome: 'denied',
      detail: `${req.method} ${req.path}`,
    });
    next(
      serverError('SRV_ERR_UNAUTHORIZED', `${req.method} ${req.path}: expected "Authorization: Bearer <token>"`, {
        route: req.path,
      }),
    );
  };
}
