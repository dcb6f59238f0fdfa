import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import { LocalStore, LocalStoreAdapter } from '../../pacs-adapters/index.js';
import { createApp } from '../../server/app.js';
import { memoryAuditLog } from '../../server/AuditLog.js';
import { loadServerConfig, prepareDataDir } from '../../server/index.js';
import type { JobsApi } from '../../server/http/jobRoutes.js';
import type { JobSpec } from '../../server/jobs/index.js';

describe('server app: auth, CORS, limits, errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-app-'));
  const config = loadServerConfig(
    { data: dir, port: 0 },
    {
      GSDIFF_CORS_ORIGINS: 'http://viewer.example',
      GSDIFF_SOURCES: JSON.stringify([
        { id: 'pacs', kind: 'dicomweb', baseUrl: 'http://127.0.0.1:9/dicom-web', pushBack: true },
      ]),
    },
  );
  // What startServer does first; this suite builds the app without it.
  prepareDataDir(config);
  const audit = memoryAuditLog();
  const submitted: JobSpec[] = [];
  const jobs: JobsApi = {
    submit: (spec) => (submitted.push(spec), { id: 'j1', state: 'queued', spec }),
    get: (id) => (id === 'j1' ? { id, state: 'queued' } : undefined),
    list: () => [{ id: 'j1' }],
    cancel: (id) => ({ id, state: 'cancelled' }),
  };
  let store: LocalStore;
  let server: Server;
  let base: string;
  const auth = { authorization: `Bearer ${config.token}` };

  beforeAll(async () => {
    store = await LocalStore.open(join(dir, 'store'), { logger: createLogger('silent') });
    const app = createApp({
      config,
      sources: new Map([['local', new LocalStoreAdapter(store)]]),
      jobs,
      audit,
      logger: createLogger('silent'),
      version: 't',
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates a token on first start and keeps it', () => {
    expect(config.tokenGenerated).toBe(true);
    expect(config.token.length).toBeGreaterThanOrEqual(16);
    expect(loadServerConfig({ data: dir }, {}).token).toBe(config.token);
  });

  it('answers /healthz without a token and nothing else', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    for (const path of ['/api/sources', '/api/jobs', '/api/jobs/j1', '/dicom-web/studies']) {
      const r = await fetch(`${base}${path}`);
      expect([path, r.status]).toEqual([path, path.startsWith('/dicom-web') ? 404 : 401]);
    }
    const wrong = await fetch(`${base}/api/jobs`, { headers: { authorization: 'Bearer not-the-token-at-all' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'SRV_ERR_UNAUTHORIZED' });
    expect(audit.entries.some((e) => e.action === 'auth.denied')).toBe(true);
  });

  it('refuses an origin outside the CORS allow-list and allows the listed one', async () => {
    const bad = await fetch(`${base}/healthz`, { headers: { origin: 'http://evil.example' } });
    expect(bad.status).toBe(403);
    const own = await fetch(`${base}/healthz`, { headers: { origin: base } });
    expect(own.status).toBe(200);
    const good = await fetch(`${base}/healthz`, { headers: { origin: 'http://viewer.example' } });
    expect(good.headers.get('access-control-allow-origin')).toBe('http://viewer.example');
  });

  it('validates job requests field by field and passes good ones on', async () => {
    const post = (body: unknown): Promise<Response> =>
      fetch(`${base}/api/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await post({ studyInstanceUid: '../../etc', seriesInstanceUid: '1.2' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'SRV_ERR_BAD_REQUEST', details: { field: 'studyInstanceUid' } });
    expect((await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', task: 'sharpen' })).status).toBe(400);
    expect((await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', device: 'tpu' })).status).toBe(400);
    const ok = await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', task: 'denoise', steps: 4 });
    expect(ok.status).toBe(201);
    expect(submitted[0]).toMatchObject({ sourceId: 'local', task: 'denoise', steps: 4, pushBack: false });
    // pushBack: the job's own choice, else its source's setting
    const pushBad = await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', pushBack: 'yes' });
    expect(pushBad.status).toBe(400);
    expect(await pushBad.json()).toMatchObject({ details: { field: 'pushBack' } });
    await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', source: 'pacs' });
    await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', source: 'pacs', pushBack: false });
    expect(submitted.slice(1).map((j) => j.pushBack)).toEqual([true, false]);
    // strength: low | medium | high passed on (the job service fills in the default); anything else named
    expect((await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', strength: 'high' })).status).toBe(201);
    expect(submitted.at(-1)).toMatchObject({ strength: 'high' });
    expect((await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3' })).status).toBe(201);
    expect(submitted.at(-1)?.strength).toBeUndefined();
    for (const strength of ['max', 'HIGH', 0.5, null]) {
      const r = await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', strength });
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({
        code: 'SRV_ERR_BAD_REQUEST',
        message: `strength: expected low | medium | high, got ${JSON.stringify(strength)}`,
        details: { field: 'strength' },
      });
    }
    // video: h264 | hevc passed on, absent means lossless; anything else named
    expect((await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', video: 'h264' })).status).toBe(201);
    expect(submitted.at(-1)).toMatchObject({ video: 'h264' });
    for (const video of ['mpeg2', 'H264', true]) {
      const r = await post({ studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', video });
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({
        code: 'SRV_ERR_BAD_REQUEST',
        message: `video: expected h264 | hevc (or absent for lossless), got ${JSON.stringify(video)}`,
        details: { field: 'video' },
      });
    }
    expect(audit.entries.find((e) => e.action === 'job.create')).toMatchObject({ seriesInstanceUid: '1.2.3' });
    expect(JSON.stringify(audit.entries)).not.toMatch(/PatientName|PatientID/);
  });

  it('limits JSON bodies and answers unknown routes and jobs with JSON 404s', async () => {
    const big = await fetch(`${base}/api/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ x: 'a'.repeat(2_000_000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'SRV_ERR_PAYLOAD_TOO_LARGE' });
    expect(await (await fetch(`${base}/api/jobs/nope`, { headers: auth })).json()).toMatchObject({
      code: 'SRV_ERR_NOT_FOUND',
    });
    expect((await fetch(`${base}/api/sources/other/studies`, { headers: auth })).status).toBe(404);
  });
});
