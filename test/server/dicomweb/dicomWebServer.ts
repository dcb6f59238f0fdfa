import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseMultipart } from '@remix-run/multipart-parser';
import express from 'express';
import { pino } from 'pino';
import { LocalStore } from '../../../pacs-adapters/index.js';
import { memoryAuditLog, type AuditEntry } from '../../../server/AuditLog.js';
import { dicomWebRouter } from '../../../server/dicomweb/index.js';
import { requireToken } from '../../../server/http/auth.js';
import { errorHandler } from '../../../server/http/errorHandler.js';
import { sharedPath } from '../../helpers/sharedData.js';

export const HEAD = 'ct-ge-head-human-tilted';
/** Study B: CT1 of WG04 in two syntaxes (Explicit VR LE and JPEG 2000 lossless), one series of 2 instances. */
export const CT1_UNC = 'ct-wg04-compressed/CT1_UNC';
export const CT1_J2KR = 'ct-wg04-compressed/CT1_J2KR';
/** Study C: CT2 of WG04 in JPEG Lossless. */
export const CT2_JPLL = 'ct-wg04-compressed/CT2_JPLL';

/** Patient names and IDs of the test data: must never appear in logs or the audit. */
export const PHI = ['QMNx85rKkkg', '1CT1', '2CT2', 'CompressedSamples'];

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

export async function readShared(rel: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(sharedPath(rel)));
}

export interface TestServer {
  readonly url: string;
  readonly store: LocalStore;
  readonly audit: AuditEntry[];
  readonly logLines: string[];
  close(): Promise<void>;
}

/**
 * Our DICOMweb router on a bare Express app listening on 127.0.0.1 (port 0), over a temp LocalStore, optionally
 * behind the server's token middleware (server/http/auth.ts) and error handler.
 * @param seed - imports into the store before the server starts (default: GE head + the three WG04 files)
 */
export async function startDicomWebServer(
  o: { token?: string; maxBodyBytes?: number; seed?: boolean } = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gsdiff-dicomweb-'));
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const store = await LocalStore.open(join(dir, 'store'), { logger });
  if (o.seed !== false) {
    const report = await store.importPath(sharedPath(HEAD));
    if (report.stored !== 28) throw new Error(`seed: expected 28 GE head instances, got ${report.stored}`);
    for (const f of [CT1_UNC, CT1_J2KR, CT2_JPLL]) await store.importPath(sharedPath(f));
  }
  const audit = memoryAuditLog();
  const router = dicomWebRouter(store, {
    audit,
    logger,
    maxBodyBytes: o.maxBodyBytes ?? 64 * 1024 * 1024,
    actorOf: (req) => `test@${req.ip ?? '?'}`,
  });
  const app = express();
  if (o.token !== undefined) app.use('/dicom-web', requireToken(o.token, audit), router);
  else app.use('/dicom-web', router);
  app.use(errorHandler(logger));
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
  return {
    url,
    store,
    audit: audit.entries,
    logLines: lines,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The parts of a multipart/related answer, parsed with the same library the server uses. */
export async function multipartParts(
  res: Response,
): Promise<{ type: string; parts: { headers: Record<string, string | undefined>; bytes: Uint8Array }[] }> {
  const type = res.headers.get('content-type') ?? '';
  const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
  if (boundary === undefined) throw new Error(`multipartParts: no boundary in ${type}`);
  const body = new Uint8Array(await res.arrayBuffer());
  const parts = [...parseMultipart(body, { boundary, maxFileSize: 1 << 30, maxTotalSize: 1 << 30, maxParts: 10000 })];
  return { type, parts: parts.map((p) => ({ headers: { ...p.headers }, bytes: p.bytes })) };
}

/** The JSON body of an answer, typed loosely for assertions. */
export async function json<T = unknown>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export type Dataset = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string }>;

/** First value of a tag in a DICOM JSON data set. */
export function first(ds: Dataset, tag: string): unknown {
  return ds[tag]?.Value?.[0];
}

/** Checks that nothing in the audit entries or log lines carries a patient name or ID of the test data. */
export function phiLeaks(server: TestServer): string[] {
  const text = `${JSON.stringify(server.audit)}\n${server.logLines.join('')}`;
  return PHI.filter((p) => text.includes(p));
}

/**
 * A GET sent with its path exactly as written (fetch and URL normalise `%2e%2e` and `..` segments away, so a
 * traversal attempt must be sent raw to reach the server as an attacker would send it).
 */
export async function rawGet(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: `${u.pathname}${path}`, method: 'GET', headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
