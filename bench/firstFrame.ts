/**
 * Time from POST /api/jobs to the first restored frame on the websocket, and job throughput, on loopback with the
 * server's default pack on CPU. Usage: node dist/bench/firstFrame.js [--size 64] [--slices 9] [--jobs 5] [--demo]
 *        [--steps n]
 * Input: phantom slices (demo/) written into a fresh temporary store, or with --demo the demo study the server
 * generates into its empty store (DEMO_DEFAULTS; its simulated low-dose series is restored: issue 10 target 4).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import WebSocket from 'ws';
import { createLogger } from '../common/index.js';
import { DEMO_DEFAULTS } from '../demo/index.js';
import { loadServerConfig, startServer } from '../server/index.js';
import { storePhantomSeries } from './storePhantomSeries.js';

const args = process.argv.slice(2);
const flag = (n: string, d: number): number => (args.includes(n) ? Number(args[args.indexOf(n) + 1]) : d);
const size = flag('--size', 64);
const slices = flag('--slices', 9);
const jobs = flag('--jobs', 5);
const demo = args.includes('--demo');
const steps = args.includes('--steps') ? flag('--steps', 1) : undefined;
const dir = mkdtempSync(join(tmpdir(), 'gsdiff-bench-ff-'));
const token = 'bench-token-0123456789abcdef';
const config = loadServerConfig({ data: dir, port: 0, demo, device: 'cpu' }, { GSDIFF_TOKEN: token });
const running = await startServer(config, {
  logger: createLogger('silent'),
  version: 'bench',
});
const { study, series, count, width } = demo ? await demoSeries() : await phantomSeries();
const auth = { authorization: `Bearer ${token}` };
const firsts: number[] = [];
const t0 = performance.now();
for (let j = 0; j < jobs; j++) {
  const t = performance.now();
  const r = await fetch(`${running.url}/api/jobs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ studyInstanceUid: study, seriesInstanceUid: series, task: 'denoise', steps }),
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
  `${JSON.stringify({
    date: new Date().toISOString().slice(0, 10),
    pack: basename(config.packDir),
    input: demo ? 'demo study (DEMO_DEFAULTS), simulated low-dose series' : 'phantom',
    size: width,
    slices: count,
    steps: steps ?? "pack's default",
    jobs,
    firstFrameMs: {
      min: Math.round(sorted[0]),
      median: Math.round(sorted[Math.floor(sorted.length / 2)]),
      max: Math.round(sorted[sorted.length - 1]),
    },
    jobsPerMinute: +((jobs * 60) / seconds).toFixed(1),
    slicesPerSecond: +((jobs * count) / seconds).toFixed(2),
  })}\n`,
);
await running.close();
rmSync(dir, { recursive: true, force: true });

async function phantomSeries(): Promise<{ study: string; series: string; count: number; width: number }> {
  // Slices span a 36-slice phantom at least, so a short series still shows its anatomy.
  const ids = await storePhantomSeries(running.store, {
    slices,
    size,
    stepMm: 5,
    pixelMm: 1,
    depthSlices: Math.max(36, slices),
  });
  return { ...ids, count: slices, width: size };
}

async function demoSeries(): Promise<{ study: string; series: string; count: number; width: number }> {
  await running.demoReady;
  const low = running.store.listSeries().find((s) => /% dose \(simulated low dose\)/.test(s.seriesDescription ?? ''));
  if (!low) throw new Error('bench/firstFrame: expected the demo study, got no low-dose series');
  const instances = running.store.listInstances(low.seriesInstanceUid);
  return {
    study: low.studyInstanceUid,
    series: low.seriesInstanceUid,
    count: instances.length,
    width: DEMO_DEFAULTS.size,
  };
}
