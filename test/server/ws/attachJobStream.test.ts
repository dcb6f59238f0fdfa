import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocket, type RawData } from 'ws';
import { FrameWriter, framesDir } from '../../../server/jobs/frameFiles.js';
import { JobDb } from '../../../server/jobs/JobDb.js';
import type { FrameHeader, JobService } from '../../../server/jobs/index.js';
import { attachJobStream, type JobStreamServer } from '../../../server/ws/index.js';
import { decodeFrameMessage, WS_CLOSE } from '../../../wire/index.js';
import { ctSeries, ended, openEnv, removeDir, silent, waitFor, type Env } from '../jobs/fixtures.js';

const TOKEN = 'test-token-0123456789abcdef';
const SLICES = 12;

interface Session {
  readonly ws: WebSocket;
  readonly texts: Record<string, unknown>[];
  readonly frames: { header: FrameHeader; payload: Buffer; at: number }[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** HTTP status when the upgrade was refused. */
  readonly refused: Promise<number>;
}

interface Listening {
  readonly server: Server;
  readonly streams: JobStreamServer;
  readonly base: string;
  stop(): Promise<void>;
}

async function listen(jobs: JobService, audit: Env['audit'], highWaterMark?: number): Promise<Listening> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  const streams = attachJobStream(server, { jobs, token: TOKEN, audit, logger: silent, highWaterMark });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    streams,
    base: `ws://127.0.0.1:${port}/ws/jobs`,
    stop: async () => {
      await streams.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function connect(
  url: string,
  o: {
    token?: string | null;
    inQuery?: boolean;
    onFrame?: (s: Session) => void;
    onOpen?: (ws: WebSocket) => void;
  } = {},
): Session {
  const token = o.token === undefined ? TOKEN : o.token;
  const full = o.inQuery && token ? `${url}${url.includes('?') ? '&' : '?'}token=${token}` : url;
  const ws = new WebSocket(full, { headers: token && !o.inQuery ? { authorization: `Bearer ${token}` } : {} });
  const s: Session = {
    ws,
    texts: [],
    frames: [],
    closed: new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    refused: new Promise((resolve) => ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))),
  };
  ws.on('error', () => undefined);
  if (o.onOpen) ws.on('open', () => o.onOpen?.(ws));
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      const { header, pixels } = decodeFrameMessage(data as Buffer);
      const payload = Buffer.from(new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
      s.frames.push({ header, payload, at: performance.now() });
      o.onFrame?.(s);
    } else s.texts.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  return s;
}

const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('attachJobStream', () => {
  const a = ctSeries(SLICES);
  let env: Env;
  let net: Listening;
  const spec = () => ({
    sourceId: 'local',
    studyInstanceUid: a.study,
    seriesInstanceUid: a.series,
    task: 'auto' as const,
  });
  beforeAll(async () => {
    env = await openEnv([a], { cpuConcurrency: 2 });
    net = await listen(env.jobs, env.audit);
  });
  afterAll(async () => {
    await net.stop();
    await env.close();
    removeDir(env.dataDir);
  });

  it('refuses an upgrade without the token or with a wrong one (HTTP 401, audited); accepts header or ?token=', async () => {
    const job = await env.jobs.submit(spec(), 't');
    await waitFor(env.jobs, job.id, ended);
    expect(await connect(`${net.base}/${job.id}`, { token: null }).refused).toBe(401);
    expect(await connect(`${net.base}/${job.id}`, { token: 'wrong-token-0123456789abcdef' }).refused).toBe(401);
    expect(await connect(`${net.base}/${job.id}?token=nope`, { token: null }).refused).toBe(401);
    expect(env.audit.entries.filter((e) => e.action === 'auth.denied')).toHaveLength(3);
    expect(JSON.stringify(env.audit.entries)).not.toContain('nope');
    const viaHeader = connect(`${net.base}/${job.id}`);
    const viaQuery = connect(`${net.base}/${job.id}`, { inQuery: true });
    for (const s of [viaHeader, viaQuery]) {
      expect(await s.closed).toEqual({ code: WS_CLOSE.NORMAL, reason: 'done' });
      expect(s.frames).toHaveLength(SLICES);
    }
    expect(env.audit.entries).toContainEqual(
      expect.objectContaining({ action: 'ws.subscribe', jobId: job.id, outcome: 'ok' }),
    );
  });

  it('closes with a clear code for an unknown job, a bad ?from, and a malformed client message; answers ping', async () => {
    const unknown = connect(`${net.base}/${randomUUID()}`);
    const c1 = await unknown.closed;
    expect(c1.code).toBe(WS_CLOSE.NOT_FOUND);
    expect(c1.reason).toMatch(/^SRV_ERR_NOT_FOUND: job .+: expected an existing job id/);
    expect(unknown.texts).toContainEqual(expect.objectContaining({ type: 'error', code: 'SRV_ERR_NOT_FOUND' }));

    const job = await env.jobs.submit(spec(), 't');
    await waitFor(env.jobs, job.id, ended);
    const bad = await connect(`${net.base}/${job.id}?from=-1`).closed;
    expect(bad.code).toBe(WS_CLOSE.BAD_REQUEST);
    expect(bad.reason).toMatch(/^SRV_ERR_BAD_REQUEST: from=-1/);

    // A queued job that never starts keeps the stream open: enough time to talk to it.
    const blockers = [await env.jobs.submit(spec(), 't'), await env.jobs.submit(spec(), 't')];
    const waiting = await env.jobs.submit(spec(), 't');
    const talk = connect(`${net.base}/${waiting.id}`, { onOpen: (ws) => ws.send(JSON.stringify({ type: 'ping' })) });
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (talk.texts.some((m) => m.type === 'pong')) {
          clearInterval(t);
          resolve();
        }
      }, 10);
    });
    talk.ws.send('{not json');
    const c3 = await talk.closed;
    expect(c3.code).toBe(WS_CLOSE.BAD_REQUEST);
    expect(c3.reason).toMatch(/^SRV_ERR_BAD_REQUEST: client message/);
    await env.jobs.cancel(waiting.id);
    await Promise.all(blockers.map((b) => waitFor(env.jobs, b.id, ended)));
  });

  it('streams frames progressively: the first frame arrives while the job is still running', async () => {
    const job = await env.jobs.submit(spec(), 't');
    let stateAtFirstFrame = '';
    const s = connect(`${net.base}/${job.id}?from=0`, {
      onFrame: (x) => {
        if (x.frames.length === 1) stateAtFirstFrame = env.jobs.get(job.id)?.state ?? '';
      },
    });
    const closed = await s.closed;
    expect(closed).toEqual({ code: WS_CLOSE.NORMAL, reason: 'done' });
    expect(stateAtFirstFrame).toBe('running');
    expect(s.frames[0].header.done).toBeLessThan(SLICES);
    expect(s.frames.map((f) => f.header.index)).toEqual([...Array(SLICES).keys()]);
    const last = s.texts[s.texts.length - 1];
    expect(last).toMatchObject({ type: 'done', job: { id: job.id, state: 'done' } });
    expect(s.texts[0]).toMatchObject({ type: 'job', job: { id: job.id } });

    const f = s.frames[3];
    const sources = env.store.listInstances(a.series).map((i) => i.sopInstanceUid);
    expect(f.header).toMatchObject({
      type: 'frame',
      index: 3,
      rows: 32,
      columns: 32,
      dtype: 'float32',
      samplesPerPixel: 1,
    });
    expect(f.header).toMatchObject({ done: 4, total: SLICES, windowCenter: 40, windowWidth: 400, frameIndex: 0 });
    expect(sources).toContain(f.header.sopInstanceUid);
    expect(f.payload.byteLength).toBe(32 * 32 * 4);
    expect(digest(f.payload)).toBe(digest(readFileSync(join(framesDir(env.dataDir, job.id), '3.bin'))));
    const hu = new Float32Array(f.payload.buffer, f.payload.byteOffset, 32 * 32);
    expect(hu.every(Number.isFinite)).toBe(true);
  });

  it('resumes with ?from=n: exactly the missing frames, live and after the end', async () => {
    const job = await env.jobs.submit(spec(), 't');
    const got: number[] = [];
    const first = connect(`${net.base}/${job.id}`, {
      onFrame: (x) => {
        if (got.length < 2) got.push(x.frames[x.frames.length - 1].header.index);
        if (got.length === 2 && x.ws.readyState === WebSocket.OPEN) x.ws.close();
      },
    });
    await first.closed;
    const second = connect(`${net.base}/${job.id}?from=${got.length}`);
    await second.closed;
    const resumed = second.frames.map((f) => f.header.index);
    expect([...got, ...resumed]).toEqual([...Array(SLICES).keys()]);

    const after = connect(`${net.base}/${job.id}?from=7`);
    expect((await after.closed).code).toBe(WS_CLOSE.NORMAL);
    expect(after.frames.map((f) => f.header.index)).toEqual([7, 8, 9, 10, 11]);
    const none = connect(`${net.base}/${job.id}?from=99`);
    expect((await none.closed).code).toBe(WS_CLOSE.NORMAL);
    expect(none.frames).toEqual([]);
  });

  it('50 subscribers of one job all get every frame, identical', async () => {
    const job = await env.jobs.submit(spec(), 't');
    const all = Array.from({ length: 50 }, () => connect(`${net.base}/${job.id}`));
    const closes = await Promise.all(all.map((s) => s.closed));
    expect(closes.every((c) => c.code === WS_CLOSE.NORMAL)).toBe(true);
    const reference = all[0].frames.map((f) => digest(f.payload));
    expect(reference).toHaveLength(SLICES);
    for (const s of all) {
      expect(s.frames.map((f) => f.header.index)).toEqual([...Array(SLICES).keys()]);
      expect(s.frames.map((f) => digest(f.payload))).toEqual(reference);
    }
    // The server side forgets a connection once its closing handshake is done.
    for (let i = 0; i < 100 && net.streams.stats().clients > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(net.streams.stats().clients).toBe(0);
  });
});

describe('attachJobStream backpressure', () => {
  const FRAMES = 32;
  const SIZE = 512; // 1 MiB of float32 per frame
  const HWM = 1024 * 1024;
  let env: Env;
  let net: Listening;
  let jobId = '';
  beforeAll(async () => {
    env = await openEnv([]);
    net = await listen(env.jobs, env.audit, HWM);
    // A finished job with large frames on disk (restoring 512x512 frames would take minutes on the tiny pack).
    jobId = randomUUID();
    const db = JobDb.open(env.dataDir);
    db.insert({
      id: jobId,
      spec: { sourceId: 'local', studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', task: 'auto' },
      actor: 'test',
      seed: 1,
      createdAt: new Date().toISOString(),
    });
    db.update(jobId, {
      state: 'done',
      progress: { done: FRAMES, total: FRAMES },
      finishedAt: new Date().toISOString(),
    });
    db.close();
    const w = await FrameWriter.create(framesDir(env.dataDir, jobId), {
      rows: SIZE,
      columns: SIZE,
      samplesPerPixel: 1,
      dtype: 'float32',
      total: FRAMES,
      slices: Array.from({ length: FRAMES }, (_, i) => ({ sopInstanceUid: `1.2.3.4.${i}`, frameIndex: 0 })),
    });
    const values = new Float32Array(SIZE * SIZE);
    for (let i = 0; i < FRAMES; i++) await w.write(i, values.fill(i));
  });
  afterAll(async () => {
    await net.stop();
    await env.close();
    removeDir(env.dataDir);
  });

  it('a client that stops reading holds the server at the high-water mark: reading stops, nothing queues', async () => {
    const s = connect(`${net.base}/${jobId}`, { onOpen: (ws) => ws.pause() });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    await sleep(600);
    const stalled = net.streams.stats();
    await sleep(400);
    const still = net.streams.stats();
    const frameBytes = SIZE * SIZE * 4 + 512;
    console.log(`backpressure evidence: ${JSON.stringify({ stalled, still, highWaterMark: HWM, frameBytes })}`);
    expect(stalled.drainWaits).toBeGreaterThanOrEqual(1);
    expect(stalled.framesSent).toBeLessThan(FRAMES / 2);
    expect(still.framesSent).toBe(stalled.framesSent); // stopped reading from disk while stalled
    expect(still.peakBufferedAmount).toBeLessThanOrEqual(HWM + frameBytes);
    expect(s.frames.length).toBeLessThanOrEqual(1);

    s.ws.resume();
    expect((await s.closed).code).toBe(WS_CLOSE.NORMAL);
    expect(s.frames.map((f) => f.header.index)).toEqual([...Array(FRAMES).keys()]);
    expect(s.frames[FRAMES - 1].payload.readFloatLE(0)).toBe(FRAMES - 1);
    expect(net.streams.stats().peakBufferedAmount).toBeLessThanOrEqual(HWM + frameBytes);
  });
  it('shutdown closes open streams with 1001: the stream server, then the job service', async () => {
    // A job recorded as running that this service does not run: its stream stays open until shutdown.
    const idle = randomUUID();
    const db = JobDb.open(env.dataDir);
    db.insert({
      id: idle,
      spec: { sourceId: 'local', studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.5', task: 'auto' },
      actor: 'test',
      seed: 1,
      createdAt: new Date().toISOString(),
    });
    db.update(idle, { state: 'running' });
    db.close();
    const other = await listen(env.jobs, env.audit);
    const a = connect(`${other.base}/${idle}`);
    const b = connect(`${net.base}/${idle}`);
    while (a.texts.length === 0 || b.texts.length === 0) await new Promise((r) => setTimeout(r, 10));
    await other.stop();
    expect(await a.closed).toEqual({ code: WS_CLOSE.GOING_AWAY, reason: 'server shutting down' });
    await env.jobs.close();
    const cb = await b.closed;
    expect(cb.code).toBe(WS_CLOSE.GOING_AWAY);
    expect(cb.reason).toMatch(/^SRV_ERR_UNAVAILABLE/);
  });
});
