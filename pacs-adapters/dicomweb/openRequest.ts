import { describeThrown } from '../../common/index.js';
import { PacsError, pacsError } from '../errors.js';
import { authorization } from './authorization.js';
import type { HttpContext } from './HttpContext.js';
import { redactUrl } from './redactUrl.js';

export interface RequestSpec {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  /** Accept, Content-Type… (Authorization is added from the config). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** The caller's signal: aborting it aborts the request and rethrows the caller's reason, never retried. */
  readonly signal?: AbortSignal;
}

/** A response whose headers arrived, with the timer and the abort handle that still guard its body. */
export interface OpenResponse {
  readonly response: Response;
  /** The URL as it may be logged (patient identifiers redacted). */
  readonly shownUrl: string;
  /** Restarts the idle timer; call after every body chunk. */
  touch(): void;
  /** Stops the idle timer while the consumer, not the peer, holds things up (between yielded parts). */
  pause(): void;
  /** Stops the timer and aborts the connection if the body was not read to the end. Idempotent. */
  release(): void;
  /**
   * Turns an error thrown while reading the body into the error to raise: the caller's abort reason, PACS_ERR_CLOSED,
   * PACS_ERR_TIMEOUT (the body stalled), a PacsError as is, or `onBreak` for a connection lost mid-body.
   */
  bodyError(e: unknown, onBreak: (cause: unknown) => PacsError): unknown;
}

/** Marker reason of the idle timer, told apart from the caller's abort and from close(). */
class IdleTimeout extends Error {}

/**
 * Sends one HTTP request and waits for the response headers, guarded by an idle timer (`timeoutMs` for the headers,
 * then again between body chunks via `touch`). Any status is returned: mapping statuses to errors is the caller's
 * choice (STOW reads the body of a 400 or 409). Never retries.
 * @throws PACS_ERR_UNREACHABLE (connection refused/reset, DNS), PACS_ERR_TIMEOUT, PACS_ERR_CLOSED, or the caller's
 *   abort reason
 */
export async function openRequest(ctx: HttpContext, spec: RequestSpec): Promise<OpenResponse> {
  const shownUrl = redactUrl(spec.url);
  if (ctx.closed.aborted) throw closedError(spec, shownUrl);
  const timeoutMs = ctx.config.timeoutMs;
  // One controller aborts the fetch; the caller's signal, close() and the idle timer all feed it. Listeners are
  // removed on release so long-lived signals (close) do not collect one listener per request.
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const forward = (): void => ctl.abort(new Error('aborted by caller or close()'));
  spec.signal?.addEventListener('abort', forward, { once: true });
  ctx.closed.addEventListener('abort', forward, { once: true });
  const touch = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => ctl.abort(new IdleTimeout()), timeoutMs);
  };
  const release = (): void => {
    clearTimeout(timer);
    timer = undefined;
    spec.signal?.removeEventListener('abort', forward);
    ctx.closed.removeEventListener('abort', forward);
    if (!ctl.signal.aborted) ctl.abort(new Error('request released'));
  };
  if (spec.signal?.aborted) {
    release();
    throw spec.signal.reason;
  }
  const signal = ctl.signal;

  const classify = (e: unknown, phase: 'headers' | 'body'): unknown => {
    if (e instanceof PacsError) return e;
    if (spec.signal?.aborted) return spec.signal.reason;
    if (ctx.closed.aborted) return closedError(spec, shownUrl);
    if (ctl.signal.reason instanceof IdleTimeout) {
      return pacsError(
        'PACS_ERR_TIMEOUT',
        phase === 'headers'
          ? `${spec.method} ${shownUrl}: expected response headers within ${timeoutMs} ms, got none`
          : `${spec.method} ${shownUrl}: expected more of the response body within ${timeoutMs} ms, got none (stalled)`,
        { url: shownUrl, method: spec.method, timeoutMs, phase },
        e,
      );
    }
    return undefined;
  };

  const headers: Record<string, string> = { ...spec.headers };
  const auth = authorization(ctx.config.auth);
  if (auth !== undefined) headers.authorization = auth;
  touch();
  let response: Response;
  try {
    response = await fetch(spec.url, { method: spec.method, headers, body: spec.body, signal, redirect: 'follow' });
  } catch (e) {
    release();
    const known = classify(e, 'headers');
    if (known !== undefined) throw known;
    const code = errnoCode(e);
    throw pacsError(
      'PACS_ERR_UNREACHABLE',
      `${spec.method} ${shownUrl}: expected an HTTP response, got ${code ?? 'a network error'} (${describeThrown(errCause(e))})`,
      { url: shownUrl, method: spec.method, errno: code },
      e,
    );
  }
  touch();
  return {
    response,
    shownUrl,
    touch,
    pause: () => clearTimeout(timer),
    release,
    bodyError: (e, onBreak) => classify(e, 'body') ?? onBreak(e),
  };
}

function closedError(spec: RequestSpec, shownUrl: string): PacsError {
  return pacsError('PACS_ERR_CLOSED', `${spec.method} ${shownUrl}: expected an open adapter, got one closed`, {
    url: shownUrl,
    method: spec.method,
  });
}

/**
 * The innermost cause: undici wraps socket errors as `TypeError('fetch failed', { cause })`. Duck-typed, not
 * `instanceof Error`: undici's errors may come from another realm (a Jest VM context).
 */
function errCause(e: unknown): unknown {
  let cur = e;
  for (let i = 0; i < 5 && hasCause(cur); i++) cur = cur.cause;
  return cur;
}

/** ECONNREFUSED, ECONNRESET, ENOTFOUND, UND_ERR_SOCKET… from the cause chain, if any. */
export function errnoCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 6 && typeof cur === 'object' && cur !== null; i++) {
    if ('code' in cur && typeof cur.code === 'string') return cur.code;
    cur = hasCause(cur) ? cur.cause : undefined;
  }
  return undefined;
}

function hasCause(v: unknown): v is { cause: unknown } {
  return typeof v === 'object' && v !== null && 'cause' in v && v.cause !== undefined;
}
