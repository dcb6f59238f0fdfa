/**
 * Job throughput of the scaled-out queue: jobs/min with 1, 2 and 3 `gsdiff worker` processes (CPU) on one Redis
 * and one server, against the embedded single-process queue as the baseline. Each run gets a fresh Redis, server
 * data folder and workers; workers load the pack on a warm-up job per worker first, then a batch of jobs is timed
 * from the first POST to the last record done.
 * Usage: node dist/bench/queue.js [--workers 1,2,3] [--jobs 8] [--size 64] [--slices 6] [--device cpu]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../common/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../server/index.js';
import { startBenchRedis } from './queue/redisProcess.js';
import { storePhantomSeries } from './storePhantomSeries.js';

const args = process.argv.slice(2);
const opt = (n: string, d: string): string => (args.includes(n) ? args[args.indexOf(n) + 1] : d);
const workerCounts = opt('--workers', '1,2,3').split(',').map(Number);
const jobs = Number(opt('--jobs', '8'));
const size = Number(opt('--size', '64'));
const slices = Number(opt('--slices', '6'));
const device = opt('--device', 'cpu');
const token = 'bench-queue-token-0123456789abcdef';
const cli = join(process.cwd(), 'dist/cli/main.js');

interface Row {
  readonly setup: string;
  readonly seconds: number;
  readonly jobsPerMin: number;
}

async function submitAndWait(s: RunningServer, study: string, series: string, n: number): Promise<number> {
  const t0 = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${s.url}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ studyInstanceUid: study, seriesInstanceUid: series, task: 'denoise', steps: 1 }),
    });
    if (res.status !== 201) throw new Error(`POST /api/jobs: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  for (;;) {
    const records = ids.map((id) => s.jobs.get(id));
    const states = records.map((r) => r?.state);
    const bad = records.find((r) => r?.state === 'failed' || r?.state === 'cancelled');
    if (bad) throw new Error(`job ${bad.id} ended ${bad.state}: ${bad.error?.code}: ${bad.error?.message}`);
    if (states.every((st) => st === 'done')) return (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function run(workers: number): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-bench-queue-'));
  const redis = workers > 0 ? await startBenchRedis() : undefined;
  const children: ChildProcess[] = [];
  const server = await startServer(
    loadServerConfig(
      { data: dir, port: 0, demo: false, device, ...(redis ? { queue: redis.url } : {}) },
      { GSDIFF_TOKEN: token },
    ),
    { logger: createLogger('silent'), version: 'bench' },
  );
  try {
    const { study, series } = await storePhantomSeries(server.store, {
      slices,
      size,
      stepMm: 5,
      pixelMm: 1,
      depthSlices: 36,
    });
    for (let w = 0; w < workers; w++) {
      children.push(
        spawn(
          process.execPath,
          [
            cli,
            'worker',
            '--queue',
            (redis as { url: string }).url,
            '--server',
            server.url,
            '--device',
            device,
            '--data',
            join(dir, `w${w}`),
            '--name',
            `w${w}`,
          ],
          { env: { ...process.env, GSDIFF_TOKEN: token, GSDIFF_LOG_LEVEL: 'warn' }, stdio: 'ignore' },
        ),
      );
    }
    // Warm-up: every worker (or the embedded runner) loads the pack once.
    await submitAndWait(server, study, series, Math.max(1, workers));
    const seconds = await submitAndWait(server, study, series, jobs);
    const setup = workers === 0 ? 'embedded (SQLite, 1 CPU job at a time)' : `Redis queue, ${workers} CPU worker(s)`;
    return { setup, seconds, jobsPerMin: (jobs / seconds) * 60 };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    await server.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
for (const n of [0, ...workerCounts]) {
  const row = await run(n);
  rows.push(row);
  console.error(`${row.setup}: ${jobs} jobs in ${row.seconds.toFixed(1)} s`);
}
console.log(
  `queue bench: ${jobs} jobs of ${slices} slices ${size}x${size}, tiny-test pack, 1 DDIM step, device ${device}, ` +
    `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`,
);
console.log('| setup | s for the batch | jobs/min |');
console.log('|---|---|---|');
for (const r of rows) console.log(`| ${r.setup} | ${r.seconds.toFixed(1)} | ${r.jobsPerMin.toFixed(1)} |`);
