import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createLogger } from '../../common/index.js';
import { encodeCtSlice, newUid } from '../../pacs-adapters/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/index.js';
import { decodeFrameMessage } from '../../wire/index.js';

const JOBS = 20;
const SUBSCRIBERS = 50;
const SLICES = 9;

/** Bounded loopback load: 20 queued jobs on the tiny pack and 50 websocket subscribers; 0 errors; RSS printed. */
describe('server under load (loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-load-'));
  let running: RunningServer;
  const token = 'load-token-0123456789abcdef';
  const auth = { authorization: `Bearer ${token}` };
  const study = newUid();
  const series = newUid();

  beforeAll(async () => {
    running = await startServer(
      loadServerConfig({ data: dir, port: 0, demo: false, device: 'cpu' }, { GSDIFF_TOKEN: token }),
      {
        logger: createLogger('silent'),
        version: 'test',
      },
    );
    const base = {
      patientId: 'P',
      patientName: 'LOAD^TEST',
      studyInstanceUid: study,
      studyId: 'S',
      studyDescription: 'load',
      seriesInstanceUid: series,
      seriesNumber: 1,
      seriesDescription: 'low dose',
      frameOfReferenceUid: newUid(),
      provenance: 'SYNTHETIC',
      softwareVersion: 't',
      createdAt: new Date(),
    };
    for (let z = 0; z < SLICES; z++) {
      const hu = Float32Array.from({ length: 1024 }, (_, j) => 30 * Math.cos(j / 7 + z));
      await running.store.storeInstance(
        encodeCtSlice(base, {
          sopInstanceUid: newUid(),
          instanceNumber: z + 1,
          rows: 32,
          columns: 32,
          hu,
          position: [0, 0, z],
          pixelSpacing: [1, 1],
          sliceThickness: 1,
          acquisition: { ctdiVol: 2 },
        }),
        'load',
      );
    }
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every job and delivers every frame to every subscriber with no error', async () => {
    const t0 = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < JOBS; i++) {
      const r = await fetch(`${running.url}/api/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ studyInstanceUid: study, seriesInstanceUid: series, task: 'denoise', steps: 1 }),
      });
      expect(r.status).toBe(201);
      ids.push(((await r.json()) as { id: string }).id);
    }
    let errors = 0;
    let peakRss = process.memoryUsage().rss;
    const firstFrame: number[] = [];
    const received = await Promise.all(
      Array.from(
        { length: SUBSCRIBERS },
        (_, s) =>
          new Promise<number[]>((resolve) => {
            const got: number[] = [];
            const ws = new WebSocket(`${running.url.replace('http', 'ws')}/ws/jobs/${ids[s % JOBS]}?from=0`, {
              headers: auth,
            });
            ws.on('message', (data: Buffer, binary: boolean) => {
              if (!binary) return;
              if (got.length === 0) firstFrame.push(performance.now() - t0);
              got.push(decodeFrameMessage(new Uint8Array(data)).header.index);
              peakRss = Math.max(peakRss, process.memoryUsage().rss);
            });
            ws.on('error', () => errors++);
            ws.on('close', () => resolve(got));
          }),
      ),
    );
    const seconds = (performance.now() - t0) / 1000;
    expect(errors).toBe(0);
    for (const got of received) expect(got).toEqual(Array.from({ length: SLICES }, (_, i) => i));
    const states = await Promise.all(
      ids.map(
        async (id) =>
          ((await (await fetch(`${running.url}/api/jobs/${id}`, { headers: auth })).json()) as { state: string }).state,
      ),
    );
    expect(new Set(states)).toEqual(new Set(['done']));
    // Every job published its own complete derived series, once.
    const allSeries = (await (
      await fetch(`${running.url}/api/sources/local/studies/${study}/series`, { headers: auth })
    ).json()) as { numberOfInstances: number }[];
    expect(allSeries).toHaveLength(JOBS + 1);
    expect(allSeries.every((s) => s.numberOfInstances === SLICES)).toBe(true);
    console.log(
      `load: ${JOBS} jobs x ${SLICES} slices (32x32, tiny pack, 1 DDIM step), ${SUBSCRIBERS} ws subscribers: ${seconds.toFixed(1)} s, ` +
        `${((JOBS * 60) / seconds).toFixed(1)} jobs/min, first frame after ${Math.round(Math.min(...firstFrame))} ms, peak RSS ${Math.round(peakRss / 1048576)} MB, errors ${errors}`,
    );
  }, 180_000);
});
