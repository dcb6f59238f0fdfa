import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { DEMO_DEFAULTS, writeDemoStudy } from '../../../demo/index.js';
import { LocalStore, parseInstance } from '../../../pacs-adapters/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../../../server/index.js';
import type { JobRecord } from '../../../server/jobs/index.js';
import { startRedis, type RunningRedis } from '../../helpers/redis.js';
import { sharedPath } from '../../helpers/sharedData.js';
import { ctSeries, removeDir, silent } from './fixtures.js';

/** Workers run the built CLI: `npm test` builds dist/ before jest; GSDIFF_DIST points elsewhere if needed. */
const DIST = process.env.GSDIFF_DIST ?? join(process.cwd(), 'dist');
const READY = existsSync(join(DIST, 'cli/main.js'));
const TOKEN = 'queue-test-token-0123456789abcdef';
const JOBS = 30;

if (!READY) console.warn(`queueScaleOut.test: SKIPPED: ${join(DIST, 'cli/main.js')} is missing; run \`npm run build\``);

/** Real series from ../shared/data, read in place (small ones: the tiny pack on 512x512 takes ~45 s a slice here). */
const REAL = [
  ['dicom-edge-cases', 'pydicom-data', 'emri_small.dcm'], // MR, 10 frames 64x64, one multi-frame instance
  ['dicom-edge-cases', 'pydicom', 'CT_small.dcm'], // CT 128x128
  ['dicom-edge-cases', 'pydicom', 'MR_small.dcm'], // MR 64x64
  ['dicom-edge-cases', 'dcm_qa_frag', '5001_anat-T1w_acq-tfl', '5001001.dcm'], // MR 128x128, JPEG lossless, 2 slices
  ['dicom-edge-cases', 'dcm_qa_frag', '5001_anat-T1w_acq-tfl', '5001002.dcm'],
];

interface Source {
  readonly study: string;
  readonly series: string;
  readonly instances: number;
  readonly what: string;
}

interface Worker {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** Job ids this worker logged as started. */
  readonly started: string[];
  log: string;
}

function startWorker(name: string, queueUrl: string, serverUrl: string, scratch: string): Worker {
  const child = spawn(
    process.execPath,
    [
      join(DIST, 'cli/main.js'),
      'worker',
      '--queue',
      queueUrl,
      '--server',
      serverUrl,
      '--data',
      join(scratch, name),
      '--device',
      'cpu',
      // The queue is under test, not the model: the 3 MB tiny pack keeps 3 workers + the server fast on 2 cores.
      '--pack',
      join(process.cwd(), 'models/packs/tiny-test'),
      '--concurrency',
      '1',
      '--name',
      name,
      '--grace',
      '10',
      // Small so that a killed worker's job moves on within ~12 s (defaults: 30 s); not so small that a starved but
      // live worker on 2 busy cores loses its lock.
      '--lock-duration',
      '8000',
      '--stalled-interval',
      '4000',
    ],
    {
      env: {
        ...process.env,
        GSDIFF_TOKEN: TOKEN,
        GSDIFF_LOG_LEVEL: 'info',
        GSDIFF_PACK: join(process.cwd(), 'models/packs/tiny-test'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const w: Worker = {
    name,
    child,
    started: [],
    log: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code))),
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      w.log = (w.log + line + '\n').slice(-20_000);
      if (line.includes('"queue: job started"')) {
        const m = /"job":"([0-9a-f-]{36})"/.exec(line);
        if (m) w.started.push(m[1]);
      }
    });
  }
  return w;
}

async function until<T>(what: string, fn: () => T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every frame of one job over the websocket: binary messages counted, and how many came while it was running. */
function watchFrames(
  url: string,
  jobId: string,
  isRunning: () => boolean,
): Promise<{ frames: number; whileRunning: number; end: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/jobs/${jobId}?from=0`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    let frames = 0;
    let whileRunning = 0;
    let end = '';
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        frames++;
        if (isRunning()) whileRunning++;
        return;
      }
      const m = JSON.parse((data as Buffer).toString('utf8')) as { type: string };
      if (m.type === 'done' || m.type === 'failed' || m.type === 'cancelled') end = m.type;
    });
    ws.on('close', () => resolve({ frames, whileRunning, end }));
    ws.on('error', reject);
  });
}

(READY ? describe : describe.skip)('scaled out: server + Redis (BullMQ) + 3 worker processes, one killed', () => {
  let redis: RunningRedis;
  let server: RunningServer | undefined;
  const workers: Worker[] = [];
  let root = '';

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gsdiff-queue-'));
    redis = await startRedis();
  });

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.exited));
    await server?.close();
    await redis?.stop();
    if (root) removeDir(root);
  });

  it(`runs ${JOBS} jobs (demo, real and synthetic series) to exactly one complete derived series each`, async () => {
    const t0 = Date.now();
    // 1. The server's store: small demo CT series, small real series read in place, synthetic series.
    const dataDir = join(root, 'server');
    const seed = await LocalStore.open(join(dataDir, 'store'));
    const sources: Source[] = [];
    const real = new Map<string, Source>();
    for (const parts of REAL) {
      const bytes = readFileSync(sharedPath(...parts));
      const h = parseInstance(bytes, parts.join('/')).header;
      await seed.storeInstance(bytes, 'test');
      const prev = real.get(h.seriesInstanceUid);
      real.set(h.seriesInstanceUid, {
        study: h.studyInstanceUid,
        series: h.seriesInstanceUid,
        instances: (prev?.instances ?? 0) + 1,
        what: `real ${parts.at(-1)}`,
      });
    }
    const demo = await writeDemoStudy(seed, {
      ...DEMO_DEFAULTS,
      sliceCount: 4,
      size: 32,
      endoscopyFrameCount: 1,
      workers: 0,
      softwareVersion: 'test',
    });
    const demoCt = demo.series.filter((s) => s.role === 'ct-low-dose' || s.role === 'ct-normal-dose');
    // Each real series once (emri_small first: ten frames, the one the kill lands in), CT_small twice, demo CT twice.
    const realList = [...real.values()];
    sources.push(...realList, realList[1]);
    for (const s of [...demoCt, ...demoCt]) {
      sources.push({
        study: s.studyInstanceUid,
        series: s.seriesInstanceUid,
        instances: s.instances,
        what: `demo ${s.role}`,
      });
    }
    while (sources.length < JOBS) {
      const s = ctSeries(3, 32, { description: `synthetic ${sources.length}` });
      for (const b of s.instances) await seed.storeInstance(b, 'test');
      sources.push({ study: s.study, series: s.series, instances: 3, what: 'synthetic 3x32x32' });
    }
    const sourceSeries = new Set(seed.listSeries().map((s) => s.seriesInstanceUid));
    await seed.close();

    // 2. The server (API + ws + DICOMweb + relay, no inference) and three worker processes.
    const config = loadServerConfig(
      { port: 0, data: dataDir, queue: redis.url, demo: false, pack: join(process.cwd(), 'models/packs/tiny-test') },
      { GSDIFF_TOKEN: TOKEN },
      process.cwd(),
    );
    server = await startServer(config, { logger: silent, version: 'queue-test' });
    const running = server;
    for (const name of ['w1', 'w2', 'w3']) workers.push(startWorker(name, redis.url, running.url, root));

    // 3. Thirty jobs through the HTTP API (steps 1: the tiny pack only has to run).
    const ids: string[] = [];
    for (const s of sources) {
      const res = await fetch(`${running.url}/api/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          source: 'local',
          studyInstanceUid: s.study,
          seriesInstanceUid: s.series,
          task: 'denoise',
          steps: 1,
        }),
      });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as JobRecord).id);
    }
    const target = ids[0];
    const frames = watchFrames(running.url, target, () => running.jobs.get(target)?.state === 'running');

    // 4. SIGKILL the worker that runs the ten-frame job once its first frame has reached the server.
    const victim = await until(
      'a worker to start the first job',
      () => workers.find((w) => w.started.includes(target)),
      90_000,
    );
    const atKill = await until(
      'the first frame of the first job',
      () => {
        const j = running.jobs.get(target);
        return j && j.progress.done >= 1 ? j : undefined;
      },
      90_000,
    );
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    const killedMidJob = atKill.state === 'running' && atKill.progress.done < atKill.progress.total;

    // 5. Redis restarts (AOF) while jobs are still queued.
    await until('a third of the jobs', () => running.jobs.list({ state: 'done' }).total >= 10, 120_000);
    const queuedAtRestart = running.jobs.list({ state: 'queued' }).total;
    await redis.restart();

    // 6. Everything ends.
    await until(
      'every job to end',
      () => ids.every((id) => ['done', 'failed', 'cancelled'].includes(running.jobs.get(id)?.state ?? '')),
      150_000,
    );
    const jobs = ids.map((id) => running.jobs.get(id) as JobRecord);
    const ws = await frames;

    // Survivors stop gracefully on SIGTERM (nothing left to finish).
    const survivors = workers.filter((w) => w !== victim);
    for (const w of survivors) w.child.kill('SIGTERM');
    const exits = await Promise.all(survivors.map((w) => w.exited));

    const store = running.store;
    const derived = store.listSeries().filter((s) => !sourceSeries.has(s.seriesInstanceUid));
    const probe = new Redis(redis.url);
    const leftInStream = await probe.xlen('gsdiff:out');
    await probe.quit();
    const evidence = {
      seconds: Math.round((Date.now() - t0) / 1000),
      killed: victim.name,
      killedAt: `${atKill.progress.done}/${atKill.progress.total} frames, ${atKill.state}`,
      target: { attempts: jobs[0].attempts, state: jobs[0].state },
      startedPerWorker: Object.fromEntries(workers.map((w) => [w.name, w.started.length])),
      queuedAtRedisRestart: queuedAtRestart,
      states: jobs.reduce<Record<string, number>>((a, j) => ({ ...a, [j.state]: (a[j.state] ?? 0) + 1 }), {}),
      failed: jobs.filter((j) => j.state !== 'done').map((j) => `${j.id}: ${j.error?.code} ${j.error?.message}`),
      ws,
      leftInStream,
      exits,
    };
    console.log(`queue scale-out evidence: ${JSON.stringify(evidence)}`);
    if (evidence.failed.length > 0) console.log(workers.map((w) => `--- ${w.name}\n${w.log.slice(-3000)}`).join('\n'));

    expect(killedMidJob).toBe(true);
    expect(jobs.map((j) => j.state)).toEqual(ids.map(() => 'done'));
    expect(jobs[0].attempts).toBeGreaterThanOrEqual(2);
    // One derived series per job, each whole, none twice, nothing else published, no stage left behind.
    const uids = jobs.map((j) => j.derivedSeriesInstanceUid);
    expect(new Set(uids).size).toBe(JOBS);
    expect(derived.map((s) => s.seriesInstanceUid).sort()).toEqual([...uids].sort());
    jobs.forEach((j, i) => {
      expect(j.publishedAt).toBeTruthy();
      expect(store.listInstances(j.derivedSeriesInstanceUid as string)).toHaveLength(sources[i].instances);
    });
    expect(readdirSync(join(store.root, 'tmp'))).toEqual([]);
    // The viewer's stream got every frame of the killed job once, progressively (before its end message).
    expect(ws.end).toBe('done');
    expect(ws.frames).toBe(jobs[0].progress.total);
    expect(ws.whileRunning).toBeGreaterThanOrEqual(1);
    expect(leftInStream).toBe(0);
    expect(exits).toEqual([0, 0]);
  }, 300_000);
});
