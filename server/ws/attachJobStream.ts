import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { describeThrown, type Logger } from '../../common/index.js';
import { encodeFrameMessage, encodeServerMessage, isJobEnd, parseClientMessage, WS_CLOSE } from '../../wire/index.js';
import type { AuditLog } from '../AuditLog.js';
import { checkToken, deniedMessage, requestToken } from '../http/auth.js';
import type { JobService } from '../jobs/index.js';

export interface JobStreamOptions {
  /** Only `stream` is used. */
  readonly jobs: Pick<JobService, 'stream'>;
  /** The access token (`Authorization: Bearer <t>` or `?token=<t>`). */
  readonly token: string;
  /** Epoch ms after which the token is refused (see server/http/auth.ts). */
  readonly tokenExpiresAt?: number;
  readonly audit: AuditLog;
  readonly logger: Logger;
  /** URL prefix; a connection is `GET <path>/<jobId>?from=<n>` (default '/ws/jobs'). */
  readonly path?: string;
  /** Per-connection bytes buffered in the server above which no further frame is read or sent (default 8 MiB). */
  readonly highWaterMark?: number;
}

export interface JobStreamStats {
  readonly clients: number;
  /** Largest `bufferedAmount` seen right after a send: at most highWaterMark + one message. */
  readonly peakBufferedAmount: number;
  readonly framesSent: number;
  /** Sends that waited for the socket to drain (backpressure engaged). */
  readonly drainWaits: number;
}

export interface JobStreamServer {
  stats(): JobStreamStats;
  /** Stops accepting upgrades and closes every connection with 1001 (waits up to 2 s, then terminates). */
  close(): Promise<void>;
}

const DEFAULT_HWM = 8 * 1024 * 1024;
const FROM = /^\d{1,9}$/;
const JOB_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Serves restoration progress over websockets on an HTTP server: `GET /ws/jobs/<id>?from=<n>` upgrades once the
 * token matches (else HTTP 401 before any upgrade, audited), then streams the job: JSON text events and each
 * restored frame as a binary message read from the job's frames folder, from frame `from` on, then live; the final
 * done / failed / cancelled event is followed by a normal close. Backpressure: while a connection holds more than
 * `highWaterMark` bytes unsent, nothing more is read from disk for it. See README.md for the protocol.
 * @example
 * const streams = attachJobStream(httpServer, { jobs, token: config.token, audit, logger });
 * // on shutdown: await streams.close();
 */
export function attachJobStream(server: Server, o: JobStreamOptions): JobStreamServer {
  const base = (o.path ?? '/ws/jobs').replace(/\/+$/, '');
  const hwm = o.highWaterMark ?? DEFAULT_HWM;
  const log = o.logger.child({ module: 'server/ws' });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  const counters = { peakBufferedAmount: 0, framesSent: 0, drainWaits: 0 };
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) {
      // Someone else's upgrade; answered here only when nobody else listens.
      if (server.listenerCount('upgrade') === 1)
        reject(socket, 404, 'SRV_ERR_NOT_FOUND', `${url.pathname}: no such route`);
      return;
    }
    const actor = `token@${req.socket.remoteAddress ?? 'unknown'}`;
    const token = { value: o.token, expiresAt: o.tokenExpiresAt };
    const check = checkToken(requestToken(req), token);
    if (check !== 'ok') {
      o.audit.record({
        actor,
        action: 'auth.denied',
        outcome: 'denied',
        detail: `GET ${url.pathname} (${check} token)`,
      });
      const message =
        check === 'expired'
          ? deniedMessage(`GET ${url.pathname}`, check, token)
          : `GET ${url.pathname}: expected "Authorization: Bearer <token>" or ?token=`;
      reject(socket, 401, 'SRV_ERR_UNAUTHORIZED', message);
      return;
    }
    if (closing) {
      reject(socket, 503, 'SRV_ERR_UNAVAILABLE', 'the server is shutting down');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      void serve(ws, url, actor);
    });
  };
  server.on('upgrade', onUpgrade);

  const serve = async (ws: WebSocket, url: URL, actor: string): Promise<void> => {
    const id = decodeURIComponent(url.pathname.slice(base.length + 1));
    const fromText = url.searchParams.get('from') ?? '0';
    const ac = new AbortController();
    ws.on('close', () => ac.abort());
    ws.on('error', (e) => log.debug({ job: id, err: e.message }, 'websocket error'));
    const fail = (code: number, srvCode: string, message: string): void => {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(encodeServerMessage({ type: 'error', code: srvCode, message }));
      ws.close(code, truncateReason(`${srvCode}: ${message}`));
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        fail(WS_CLOSE.BAD_REQUEST, 'SRV_ERR_BAD_REQUEST', 'client message: expected a JSON text message, got binary');
        return;
      }
      try {
        parseClientMessage(rawText(data)); // only a ping exists
      } catch (e) {
        fail(WS_CLOSE.BAD_REQUEST, 'SRV_ERR_BAD_REQUEST', `client message: ${describeThrown(e)}`);
        return;
      }
      ws.send(encodeServerMessage({ type: 'pong' }));
    });
    if (!JOB_ID.test(id))
      return fail(WS_CLOSE.BAD_REQUEST, 'SRV_ERR_BAD_REQUEST', `job id ${JSON.stringify(id)}: expected a job id`);
    if (!FROM.test(fromText)) {
      return fail(
        WS_CLOSE.BAD_REQUEST,
        'SRV_ERR_BAD_REQUEST',
        `from=${fromText.slice(0, 20)}: expected a frame count >= 0`,
      );
    }
    const send = (data: Uint8Array | string): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        let settled = false;
        const settle = (err?: Error): void => {
          if (settled) return;
          settled = true;
          ac.signal.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve();
        };
        const onAbort = (): void => settle();
        ws.send(data, (err) => settle(err ?? undefined));
        const buffered = ws.bufferedAmount;
        counters.peakBufferedAmount = Math.max(counters.peakBufferedAmount, buffered);
        if (buffered <= hwm) return settle();
        // Over the mark: wait until this message has been written through (the socket drained), or the client left.
        counters.drainWaits++;
        ac.signal.addEventListener('abort', onAbort, { once: true });
      });
    try {
      let audited = false;
      for await (const item of o.jobs.stream(id, { from: Number(fromText), signal: ac.signal })) {
        if (!audited) {
          audited = true;
          o.audit.record({ actor, action: 'ws.subscribe', jobId: id, outcome: 'ok', detail: `from=${fromText}` });
        }
        if (ws.readyState !== WebSocket.OPEN) break;
        if (item.type === 'frame') {
          await send(encodeFrameMessage(item.header, item.payload));
          counters.framesSent++;
        } else if (item.type === 'job') {
          await send(encodeServerMessage({ type: 'job', job: item.job }));
        } else {
          // The stream ends only on a terminal record (streamJob).
          const state = item.job.state;
          if (!isJobEnd(state)) throw new Error(`job stream: expected an end state, got ${state}`);
          await send(encodeServerMessage({ type: state, job: item.job }));
          ws.close(WS_CLOSE.NORMAL, state);
        }
      }
    } catch (e) {
      if (ac.signal.aborted) return;
      const code = e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : '';
      if (code === 'SRV_ERR_NOT_FOUND') {
        o.audit.record({ actor, action: 'ws.subscribe', jobId: id, outcome: 'error', detail: 'no such job' });
        return fail(WS_CLOSE.NOT_FOUND, code, `job ${id}: expected an existing job id`);
      }
      if (code === 'SRV_ERR_UNAVAILABLE') return fail(WS_CLOSE.GOING_AWAY, code, 'the job service is closing');
      log.error({ job: id, err: describeThrown(e) }, 'job stream failed');
      fail(WS_CLOSE.INTERNAL, 'SRV_ERR_JOB_FAILED', 'job stream failed');
    }
  };

  return {
    stats: () => ({ clients: wss.clients.size, ...counters }),
    close: async () => {
      if (closing) return;
      closing = true;
      server.off('upgrade', onUpgrade);
      const all = [...wss.clients];
      for (const ws of all) ws.close(WS_CLOSE.GOING_AWAY, 'server shutting down');
      await Promise.all(
        all.map(
          (ws) =>
            new Promise<void>((resolve) => {
              if (ws.readyState === WebSocket.CLOSED) return resolve();
              const t = setTimeout(() => {
                ws.terminate();
                resolve();
              }, 2000);
              ws.once('close', () => {
                clearTimeout(t);
                resolve();
              });
            }),
        ),
      );
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Answers an upgrade request with a plain HTTP error (JSON body) and closes the socket. */
function reject(socket: Duplex, status: number, code: string, message: string): void {
  const body = JSON.stringify({ code, message, details: {} });
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** A text message's UTF-8 (ws hands it over as a Buffer, an ArrayBuffer or fragments). */
function rawText(data: RawData): string {
  return Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
}

/** A close reason is at most 123 bytes. */
function truncateReason(s: string): string {
  let out = s;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}
