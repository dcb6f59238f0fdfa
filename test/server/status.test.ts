import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import { DemoStatusTracker } from '../../server/demoStatus.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/index.js';
import type { DemoStatus, ServerStatus } from '../../wire/index.js';

/** The demo study's generation, as the viewer reads it: idle / generating n of N / ready / failed with the reason. */
describe('DemoStatusTracker', () => {
  it('says idle when this start generates nothing', () => {
    expect(new DemoStatusTracker(false).status).toEqual({ state: 'idle' });
  });

  it('goes generating 0/0 → n/N → ready, and ignores progress after the end', () => {
    const t = new DemoStatusTracker(true);
    expect(t.status).toEqual({ state: 'generating', done: 0, total: 0 });
    t.progress(12, 49, 'CT slice 12/48');
    expect(t.status).toEqual({ state: 'generating', done: 12, total: 49, label: 'CT slice 12/48' });
    t.ready();
    t.progress(13, 49, 'late');
    expect(t.status).toEqual({ state: 'ready' });
  });

  it('keeps the reason of a failure', () => {
    const t = new DemoStatusTracker(true);
    t.failed('disk full');
    expect(t.status).toEqual({ state: 'failed', reason: 'disk full' });
  });
});

describe('GET /api/status on a real server generating a (small) demo study', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-status-'));
  const token = 'status-test-token-0123456789';
  let running: RunningServer;
  const get = async (path: string, auth = true): Promise<Response> =>
    fetch(`${running.url}${path}`, auth ? { headers: { authorization: `Bearer ${token}` } } : {});

  beforeAll(async () => {
    const config = loadServerConfig(
      { data: dir, port: 0, demo: true, device: 'cpu', pack: join(process.cwd(), 'models/packs/tiny-test') },
      { GSDIFF_TOKEN: token },
    );
    running = await startServer(config, {
      logger: createLogger('silent'),
      version: 'test',
      demo: { sliceCount: 4, size: 64, endoscopyFrameCount: 4, workers: 0 },
    });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('needs the token, says generating with its progress, then ready with the study listed', async () => {
    expect((await get('/api/status', false)).status).toBe(401);
    const first = (await (await get('/api/status')).json()) as ServerStatus;
    expect(first.demo.state).toBe('generating');
    const seen: DemoStatus[] = [first.demo];
    const end = Date.now() + 120_000;
    while (Date.now() < end) {
      const s = ((await (await get('/api/status')).json()) as ServerStatus).demo;
      seen.push(s);
      if (s.state !== 'generating') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const last = seen[seen.length - 1];
    expect(last).toEqual({ state: 'ready' });
    for (const s of seen.filter((x) => x.state === 'generating'))
      if (s.state === 'generating') expect(s.done).toBeLessThanOrEqual(s.total);
    // 'ready' is said once the study is published: the list asked for next has it.
    const studies = (await (await get('/api/sources/local/studies')).json()) as unknown[];
    expect(studies.length).toBeGreaterThan(0);
    expect(running.status().demo).toEqual({ state: 'ready' });
  }, 150_000);
});
