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

/** The server's access token and, when it was issued with one, the instant it stops being accepted. */
export interface AccessToken {
  readonly value: string;
  /** Epoch milliseconds; undefined = no expiry. */
  readonly expiresAt?: number;
}

export type TokenCheck = 'ok' | 'missing' | 'wrong' | 'expired';

/** Whether a request's token is the server's and still current (expiry is only told to holders of the right token). */
export function checkToken(given: string | undefined, token: AccessToken, now = Date.now()): TokenCheck {
  if (!given) return 'missing';
  if (!tokenMatches(given, token.value)) return 'wrong';
  return token.expiresAt !== undefined && now >= token.expiresAt ? 'expired' : 'ok';
}

/** The 401 message for a refused token, naming the route and what was expected. */
export function deniedMessage(route: string, check: TokenCheck, token: AccessToken): string {
  return check === 'expired'
    ? `${route}: the access token expired at ${new Date(token.expiresAt ?? 0).toISOString()}: expected a current token (the administrator issues a new one)`
    : `${route}: expected "Authorization: Bearer <token>"`;
}

/** Express middleware: every route behind it needs the token; failures are audited (without the token). */
export function requireToken(expected: string | AccessToken, audit: AuditLog) {
  const token: AccessToken = typeof expected === 'string' ? { value: expected } : expected;
  return (req: Request, _res: Response, next: NextFunction): void => {
    const check = checkToken(requestToken(req), token);
    if (check === 'ok') return next();
    audit.record({
      actor: req.ip ?? 'unknown',
      action: 'auth.denied',
      outcome: 'denied',
      detail: `${req.method} ${req.path} (${check} token)`,
    });
    next(
      serverError('SRV_ERR_UNAUTHORIZED', deniedMessage(`${req.method} ${req.path}`, check, token), {
        route: req.path,
        field: 'Authorization',
        reason: check,
      }),
    );
  };
}
