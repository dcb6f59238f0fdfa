import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createLogger } from '../../common/index.js';
import { encodeCtSlice, newUid } from '../../pacs-adapters/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/index.js';
import { decodeFrameMessage } from '../../wire/index.js';

/** The assembled server end to end: API -> job -> websocket frames -> derived series over our own DICOMweb. */
describe('gsdiff serve, end to end on loopback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-serve-'));
  let running: RunningServer;
  let auth: Record<string, string>;
  const study = newUid();
  const series = newUid();

  beforeAll(async () => {
    const config = loadServerConfig(
      { data: dir, port: 0, demo: false, device: 'cpu' },
      { GSDIFF_TOKEN: 'test-token-0123456789abcdef' },
    );
    running = await startServer(config, { logger: createLogger('silent'), version: 'test' });
    auth = { authorization: `Bearer ${config.token}` };
    const ctx = {
      patientId: 'P',
      patientName: 'SERVE^TEST',
      studyInstanceUid: study,
      studyId: 'S',
      studyDescription: 'serve test',
      seriesInstanceUid: series,
      seriesNumber: 1,
      seriesDescription: 'low dose',
      frameOfReferenceUid: newUid(),
      provenance: 'SYNTHETIC',
      softwareVersion: 't',
      createdAt: new Date(),
    };
    for (let z = 0; z < 12; z++) {
      const hu = Float32Array.from({ length: 32 * 32 }, (_, j) => 40 + 50 * Math.sin(j / 9 + z));
      await running.store.storeInstance(
        encodeCtSlice(ctx, {
          sopInstanceUid: newUid(),
          instanceNumber: z + 1,
          rows: 32,
          columns: 32,
          hu,
          position: [0, 0, z * 2],
          pixelSpacing: [0.7, 0.7],
          sliceThickness: 2,
          acquisition: { ctdiVol: 2 },
        }),
        'test',
      );
    }
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a series submitted over the API, streams its frames and serves the result over DICOMweb', async () => {
    const t0 = performance.now();
    const res = await fetch(`${running.url}/api/jobs`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ studyInstanceUid: study, seriesInstanceUid: series, task: 'denoise', steps: 1 }),
    });
    expect(res.status).toBe(201);
    const job = (await res.json()) as { id: string };
    const frames: number[] = [];
    let firstFrameMs = 0;
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`${running.url.replace('http', 'ws')}/ws/jobs/${job.id}?from=0`, { headers: auth });
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) return;
        const { header } = decodeFrameMessage(new Uint8Array(data));
        if (frames.length === 0) firstFrameMs = performance.now() - t0;
        frames.push(header.index);
      });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    expect(frames).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(firstFrameMs).toBeGreaterThan(0);
    const done = (await (await fetch(`${running.url}/api/jobs/${job.id}`, { headers: auth })).json()) as {
      state: string;
      derivedSeriesInstanceUid: string;
      degradation: string;
    };
    expect(done.state).toBe('done');
    expect(done.degradation).toBe('low-dose CT noise');
    const qido = (await (
      await fetch(`${running.url}/dicom-web/studies/${study}/series`, {
        headers: { ...auth, accept: 'application/dicom+json' },
      })
    ).json()) as Record<string, { Value?: unknown[] }>[];
    expect(qido.map((s) => s['0020000E']?.Value?.[0]).sort()).toEqual([series, done.derivedSeriesInstanceUid].sort());
    const wado = await fetch(
      `${running.url}/dicom-web/studies/${study}/series/${done.derivedSeriesInstanceUid}/instances`,
      {
        headers: { ...auth, accept: 'application/dicom+json' },
      },
    );
    expect(((await wado.json()) as unknown[]).length).toBe(12);
    const inst = (await (
      await fetch(`${running.url}/api/sources/local/studies/${study}/series`, { headers: auth })
    ).json()) as unknown[];
    expect(inst).toHaveLength(2);
  }, 120_000);
});
