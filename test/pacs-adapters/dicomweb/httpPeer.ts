import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { Writable } from 'node:stream';

/** A real HTTP peer on 127.0.0.1 that a test scripts to misbehave; counts the requests it saw. */
export interface HttpPeer {
  readonly url: string;
  readonly requests: { method: string; url: string; body: Buffer }[];
  close(): Promise<void>;
}

export type PeerHandler = (req: IncomingMessage, res: ServerResponse, body: Buffer, n: number) => void | Promise<void>;

/** Starts a node:http server on a kernel-chosen loopback port; the handler gets the request body read whole. */
export async function startPeer(handler: PeerHandler): Promise<HttpPeer> {
  const requests: HttpPeer['requests'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      Promise.resolve(handler(req, res, body, requests.length)).catch((e: unknown) => {
        res.destroy(e instanceof Error ? e : new Error(String(e)));
      });
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A pino logger whose lines are kept in memory, to check what was (and was not) logged. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

/** A multipart/related body with the given parts, written by hand (the test's peer, not our builder). */
export function multipartOf(
  parts: readonly Uint8Array[],
  boundary: string,
  partType = 'application/dicom',
): { head: Buffer[]; close: Buffer } {
  return {
    head: parts.map((p) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Type: ${partType}\r\nContent-Length: ${p.length}\r\n\r\n`, 'latin1'),
        Buffer.from(p.buffer, p.byteOffset, p.byteLength),
        Buffer.from('\r\n', 'latin1'),
      ]),
    ),
    close: Buffer.from(`--${boundary}--\r\n`, 'latin1'),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
