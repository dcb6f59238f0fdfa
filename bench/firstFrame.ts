/**
 * Time from POST /api/jobs to the first restored frame on the websocket, and job throughput, on loopback with the
 * server's default pack on CPU. Usage: node dist/bench/firstFrame.js [--size 64] [--slices 9] [--jobs 5]
 * Input: phantom slices (demo/) written into a fresh temporary store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createLogger } from '../common/index.js';
import { loadServerConfig, startServer } from '../server/index.js';
import { storePhantomSeries } from './storePhantomSeries.js';

const args = process.argv.slice(2);
const flag = (n: string, d: number): number => (args.includes(n) ? Number(args[args.indexOf(n) + 1]) : d);
const size = flag('--size', 64);
const slices = flag('--slices', 9);
const jobs = flag('--jobs', 5);
const dir = mkdtempSync(join(tmpdir(), 'gsdiff-bench-ff-'));
const token = 'bench-token-0123456789abcdef';
const running = await startServer(
  loadServerConfig({ data: dir, port: 0, demo: false, device: 'cpu' }, { GSDIFF_TOKEN: token }),
  {
    logger: createLogger('silent'),
    version: 'bench',
  },
);
// Slices span a 36-slice phantom at least, so a short series still shows its anatomy.
const { study, series } = await storePhantomSeries(running.store, {
  slices,
  size,
  stepMm: 5,
  pixelMm: 1,
  depthSlices: Math.max(36, slices),
});
const auth = { authorization: `Bearer ${token}` };
const firsts: number[] = [];
const t0 = performance.now();
for (let j = 0; j < jobs; j++) {
  const t = performance.now();
  const r = await fetch(`${running.url}/api/jobs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ studyInstanceUid: study, seriesInstanceUid: series, task: 'denoise', steps: 1 }),
  });
  const { id } = (await r.json()) as { id: string };
  await new Promise<void>((resolve, reject) => {
    let first = true;
    const ws = new WebSocket(`${running.url.replace('http', 'ws')}/ws/jobs/${id}?from=0`, { headers: auth });
    ws.on('message', (_d: Buffer, binary: boolean) => {
      if (binary && first) {
        firsts.push(performance.now() - t);
        first = false;
      }
    });
    ws.on('close', () => resolve());
    ws.on('error', reject);
  });
}
const seconds = (performance.now() - t0) / 1000;
const sorted = [...firsts].sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), pack: 'tiny-test (server default until the trained pack ships)', size, slices, steps: 1, jobs, firstFrameMs: { min: Math.round(sorted[0]), median: Math.round(sorted[Math.floor(sorted.length / 2)]), max: Math.round(sorted[sorted.length - 1]) }, jobsPerMinute: +((jobs * 60) / seconds).toFixed(1), slicesPerSecond: +((jobs * slices) / seconds).toFixed(2) })}\n`,
);
await running.close();
rmSync(dir, { recursive: true, force: true });
