import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { storePhantomSeries } from '../../bench/storePhantomSeries.js';
import { createLogger } from '../../common/index.js';
import { JobDb } from '../../server/jobs/JobDb.js';
import { loadServerConfig, startServer } from '../../server/index.js';

const TOKEN = 'shutdown-token-0123456789abcdef';

// A reader watching a long job must not hold a shutdown until the job ends: close() stops the job (it is recovered at
// the next start) and closes the websocket with 1001.
describe('server shutdown with a job streaming to a websocket', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gsdiff-shutdown-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('aborts the running job instead of waiting for it', async () => {
    const running = await startServer(
      loadServerConfig({ data: dir, port: 0, demo: false, device: 'cpu' }, { GSDIFF_TOKEN: TOKEN }),
      { logger: createLogger('silent'), version: 'test' },
    );
    let closed = false;
    try {
      const { study, series } = await storePhantomSeries(running.store, {
        slices: 36,
        size: 96,
        stepMm: 5,
        pixelMm: 1,
        depthSlices: 36,
      });
      const auth = { authorization: `Bearer ${TOKEN}` };
      const r = await fetch(`${running.url}/api/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ studyInstanceUid: study, seriesInstanceUid: series, task: 'denoise', steps: 1 }),
      });
      expect(r.status).toBe(201);
      const { id } = (await r.json()) as { id: string };
      const ws = new WebSocket(`${running.url.replace('http', 'ws')}/ws/jobs/${id}?from=0`, { headers: auth });
      const wsClosed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (_d: Buffer, binary: boolean) => binary && resolve());
        ws.on('error', reject);
      });
      await running.close();
      closed = true;
      expect(await wsClosed).toBe(1001);
      const db = JobDb.open(dir);
      try {
        const job = db.get(id);
        expect(job?.state).not.toBe('done');
        expect(job?.derivedSeriesInstanceUid).toBeUndefined();
        expect(job?.progress.done ?? 0).toBeLessThan(36);
      } finally {
        db.close();
      }
    } finally {
      if (!closed) await running.close();
    }
  }, 120_000);
});
