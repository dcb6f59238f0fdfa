import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { encodeCtSlice, newUid } from '../pacs-adapters/index.js';
import { freePort } from './e2e/freePort.js';
import { LatencyLog } from './soak/stats.js';
import { svgPanels, type Series } from './soak/svgPlot.js';

/**
 * Soak: the built server (`gsdiff serve`) in its own process on loopback under mixed load for --minutes: restoration
 * jobs each watched by a websocket viewer, extra viewers replaying finished jobs, DICOMweb QIDO and WADO clients.
 * Records every error, p50/p99 latency per kind and per interval, the server's RSS over time; writes soak.json and
 * soak.svg to --out. `node dist/bench/soak.js --minutes 30 --out docs/reliability`
 */
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    out: { type: 'string', default: 'docs/reliability' },
    'job-interval-s': { type: 'string', default: '10' },
    viewers: { type: 'string', default: '3' },
    'dicomweb-clients': { type: 'string', default: '3' },
    'interval-s': { type: 'string', default: '60' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const MAIN = join(here, '../cli/main.js');
const durationS = Number(values.minutes) * 60;
const intervalS = Number(values['interval-s']);
const TOKEN = `soak-${newUid()}`;
const auth = { authorization: `Bearer ${TOKEN}` };
const SERIES = 4;
const SLICES = 12;
const SIZE = 64;

const logs = {
  qido: new LatencyLog(),
  wado: new LatencyLog(),
  metadata: new LatencyLog(),
  frames: new LatencyLog(),
  jobSubmit: new LatencyLog(),
  job: new LatencyLog(),
  viewer: new LatencyLog(),
};
const rss: { t: number; mb: number; load: number }[] = [];
let t0 = 0;
const now = (): number => (performance.now() - t0) / 1000;

async function timed(log: LatencyLog, label: string, f: () => Promise<void>): Promise<void> {
  const start = performance.now();
  try {
    await f();
    log.add(now(), performance.now() - start);
  } catch (e) {
    log.fail(`${label}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function ok(res: Response, what: string): Promise<Uint8Array> {
  const body = new Uint8Array(await res.arrayBuffer());
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${Buffer.from(body.subarray(0, 200)).toString()}`);
  return body;
}

function stowBody(instances: readonly Uint8Array[], boundary: string): Uint8Array {
  const parts: Buffer[] = [];
  for (const b of instances) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`),
      Buffer.from(b),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(parts);
}

interface SeededSeries {
  readonly study: string;
  readonly series: string;
  readonly sops: readonly string[];
}

async function seed(url: string): Promise<SeededSeries[]> {
  const out: SeededSeries[] = [];
  for (let s = 0; s < SERIES; s++) {
    const study = newUid();
    const series = newUid();
    const ctx = {
      patientId: `SOAK-${s}`,
      patientName: `SOAK^PATIENT${s}`,
      studyInstanceUid: study,
      studyId: `S${s}`,
      studyDescription: 'soak',
      seriesInstanceUid: series,
      seriesNumber: 1,
      seriesDescription: 'low dose',
      frameOfReferenceUid: newUid(),
      provenance: 'SYNTHETIC soak data',
      softwareVersion: 'soak',
      createdAt: new Date(),
    };
    const sops = Array.from({ length: SLICES }, () => newUid());
    const instances = sops.map((sop, z) =>
      encodeCtSlice(ctx, {
        sopInstanceUid: sop,
        instanceNumber: z + 1,
        rows: SIZE,
        columns: SIZE,
        hu: Float32Array.from(
          { length: SIZE * SIZE },
          (_, j) => 40 + 60 * Math.sin(j / 11 + z + s) + ((j * 7919) % 41) - 20,
        ),
        position: [0, 0, z * 2],
        pixelSpacing: [0.7, 0.7],
        sliceThickness: 2,
        acquisition: { ctdiVol: 2 },
      }),
    );
    const boundary = `soak-${newUid()}`;
    await ok(
      await fetch(`${url}/dicom-web/studies`, {
        method: 'POST',
        headers: { ...auth, 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
        body: stowBody(instances, boundary),
      }),
      'STOW seed',
    );
    out.push({ study, series, sops });
  }
  return out;
}

/** Streams a job over the websocket from frame 0 to its end; rejects unless it ends done with every frame. */
function watchJob(url: string, id: string): Promise<number> {
  return new Promise((res, rej) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/jobs/${id}?from=0`, { headers: auth });
    let frames = 0;
    let state = '';
    const timer = setTimeout(() => {
      ws.terminate();
      rej(new Error(`job ${id}: no end within 10 min`));
    }, 600_000);
    ws.on('message', (data: Buffer, binary: boolean) => {
      if (binary) frames++;
      else {
        const ev = JSON.parse(data.toString()) as { type: string; job?: { state: string } };
        if (ev.job) state = ev.job.state;
      }
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      if (code === 1000 && state === 'done' && frames === SLICES) res(frames);
      else rej(new Error(`job ${id}: closed ${code}, state ${state}, ${frames}/${SLICES} frames`));
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
  });
}

function pick<T>(a: readonly T[]): T {
  return a[Math.floor(Math.random() * a.length)];
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gsdiff-soak-'));
  const port = await freePort();
  const outDir = resolve(values.out);
  mkdirSync(outDir, { recursive: true });
  const serverLog = join(dataDir, 'server.log');
  const logStream = createWriteStream(serverLog);
  const child = spawn(
    process.execPath,
    [MAIN, 'serve', '--port', String(port), '--data', join(dataDir, 'data'), '--device', 'cpu', '--no-demo'],
    { env: { ...process.env, GSDIFF_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  let exited = false;
  child.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      if (i > 300 || exited) throw new Error(`the server did not start: ${readFileSync(serverLog, 'utf8')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const series = await seed(url);
  const finished: string[] = [];
  t0 = performance.now();
  const end = durationS;
  const readRss = (): void => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
    // The 1-minute load average beside each sample: on a shared machine it says how much of a latency is ours.
    if (m) rss.push({ t: now(), mb: Number(m[1]) / 1024, load: loadavg()[0] });
  };
  readRss();
  const rssTimer = setInterval(readRss, 5000);

  const jobLoop = async (): Promise<void> => {
    const pending: Promise<void>[] = [];
    while (now() < end) {
      const s = pick(series);
      let id = '';
      await timed(logs.jobSubmit, 'submit', async () => {
        const res = await fetch(`${url}/api/jobs`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ studyInstanceUid: s.study, seriesInstanceUid: s.series, task: 'denoise', steps: 1 }),
        });
        id = (JSON.parse(Buffer.from(await ok(res, 'POST /api/jobs')).toString()) as { id: string }).id;
      });
      if (id) {
        pending.push(
          timed(logs.job, `job ${id}`, async () => {
            await watchJob(url, id);
            finished.push(id);
          }),
        );
      }
      await new Promise((r) => setTimeout(r, Number(values['job-interval-s']) * 1000));
    }
    await Promise.all(pending);
  };
  const viewerLoop = async (): Promise<void> => {
    while (now() < end) {
      if (finished.length === 0) {
        await new Promise((r) => setTimeout(r, 1000));
        continue;
      }
      const id = pick(finished.slice(-20));
      await timed(logs.viewer, `viewer ${id}`, async () => void (await watchJob(url, id)));
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const dicomWebLoop = async (): Promise<void> => {
    while (now() < end) {
      const s = pick(series);
      const sop = pick(s.sops);
      const base = `${url}/dicom-web/studies/${s.study}/series/${s.series}`;
      await timed(logs.qido, 'QIDO', async () => {
        await ok(await fetch(`${url}/dicom-web/studies?PatientName=SOAK*&limit=10`, { headers: auth }), 'QIDO studies');
        await ok(await fetch(`${url}/dicom-web/studies/${s.study}/series`, { headers: auth }), 'QIDO series');
      });
      await timed(logs.wado, 'WADO instance', async () => {
        const res = await fetch(`${base}/instances/${sop}`, {
          headers: { ...auth, accept: 'multipart/related; type="application/dicom"' },
        });
        await ok(res, 'WADO instance');
      });
      await timed(logs.metadata, 'WADO metadata', async () => {
        await ok(await fetch(`${base}/metadata`, { headers: auth }), 'WADO metadata');
      });
      await timed(logs.frames, 'WADO frames', async () => {
        await ok(
          await fetch(`${base}/instances/${sop}/frames/1`, {
            headers: { ...auth, accept: 'multipart/related; type="application/octet-stream"' },
          }),
          'WADO frames',
        );
      });
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const progress = setInterval(() => {
    const errors = Object.values(logs).reduce((n, l) => n + l.errors, 0);
    const last = rss[rss.length - 1]?.mb ?? 0;
    process.stderr.write(
      `${(now() / 60).toFixed(1)} min: jobs ${logs.job.count()} viewers ${logs.viewer.count()} qido ${logs.qido.count()} errors ${errors} rss ${last.toFixed(0)} MB\n`,
    );
  }, 60_000);
  await Promise.all([
    jobLoop(),
    ...Array.from({ length: Number(values.viewers) }, viewerLoop),
    ...Array.from({ length: Number(values['dicomweb-clients']) }, dicomWebLoop),
  ]);
  clearInterval(progress);
  clearInterval(rssTimer);
  readRss();
  const elapsed = now();
  const diedDuringRun = exited;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const serverLines = readFileSync(serverLog, 'utf8').split('\n').filter(Boolean);
  const serverErrors = serverLines.filter((l) => /"level":(50|60)/.test(l));
  // The seeded patients' names and IDs must not appear in any server log line (stdout pino, audit.log).
  const audit = readFileSync(join(dataDir, 'data', 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const phiLines = [...serverLines, ...audit].filter((l) => /SOAK\^PATIENT|SOAK PATIENT|SOAK-\d/.test(l)).length;
  report(elapsed, serverLines.length, serverErrors, outDir, diedDuringRun, audit.length, phiLines);
  rmSync(dataDir, { recursive: true, force: true });
}

function report(
  elapsed: number,
  serverLines: number,
  serverErrors: string[],
  outDir: string,
  died: boolean,
  auditLines: number,
  phiLines: number,
): void {
  const intervals: number[] = [];
  for (let t = 0; t < elapsed; t += intervalS) intervals.push(t);
  const kinds = Object.entries(logs);
  const perKind = Object.fromEntries(
    kinds.map(([k, l]) => [
      k,
      {
        count: l.count(),
        errors: l.errors,
        p50ms: round(l.percentile(50)),
        p99ms: round(l.percentile(99)),
        maxMs: round(l.percentile(100)),
        firstErrors: l.errorTexts,
      },
    ]),
  );
  const rssMb = rss.map((r) => r.mb);
  const tenth = rss.filter((r) => r.t >= elapsed * 0.1);
  const summary = {
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? '?'}, Node ${process.version}`,
    minutes: round(elapsed / 60),
    settings: {
      jobIntervalS: Number(values['job-interval-s']),
      viewers: Number(values.viewers),
      dicomWebClients: Number(values['dicomweb-clients']),
      series: SERIES,
      slices: SLICES,
      size: SIZE,
    },
    totalRequests: kinds.reduce((n, [, l]) => n + l.count() + l.errors, 0),
    totalErrors: kinds.reduce((n, [, l]) => n + l.errors, 0),
    serverDied: died,
    serverLogLines: serverLines,
    auditLines,
    logLinesWithPatientNameOrId: phiLines,
    serverErrorLines: serverErrors.length,
    firstServerErrors: serverErrors.slice(0, 5),
    rssMb: {
      start: round(rssMb[0]),
      peak: round(Math.max(...rssMb)),
      end: round(rssMb[rssMb.length - 1]),
      // After the first 10 %, so start-up and first pack load are not read as growth.
      minAfterWarmup: round(Math.min(...tenth.map((r) => r.mb))),
      maxAfterWarmup: round(Math.max(...tenth.map((r) => r.mb))),
    },
    perKind,
    perInterval: intervals.map((t) => ({
      fromMin: round(t / 60),
      ...Object.fromEntries(
        kinds.map(([k, l]) => [k, { n: l.count(t, t + intervalS), p99: round(l.percentile(99, t, t + intervalS)) }]),
      ),
    })),
    loadAverage: {
      mean: round(rss.reduce((n, r) => n + r.load, 0) / rss.length),
      max: round(Math.max(...rss.map((r) => r.load))),
    },
    rss: rss.map((r) => [round(r.t / 60), round(r.mb), round(r.load)]),
  };
  writeFileSync(join(outDir, 'soak.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const colors: Record<string, string> = {
    qido: '#1f77b4',
    wado: '#ff7f0e',
    metadata: '#2ca02c',
    frames: '#d62728',
    viewer: '#9467bd',
    job: '#8c564b',
    jobSubmit: '#e377c2',
  };
  const p99 = (k: string, l: LatencyLog): Series => ({
    name: `${k} p99`,
    color: colors[k] ?? '#333',
    points: intervals.map(
      (t) => [Math.min(elapsed, t + intervalS / 2) / 60, l.percentile(99, t, t + intervalS)] as const,
    ),
  });
  const fast = kinds.filter(([k]) => ['qido', 'wado', 'metadata', 'frames', 'jobSubmit'].includes(k));
  const slow = kinds.filter(([k]) => ['job', 'viewer'].includes(k));
  writeFileSync(
    join(outDir, 'soak.svg'),
    svgPanels(
      [
        {
          title: `Server RSS (MB), ${round(elapsed / 60)} min soak`,
          yLabel: 'MB',
          series: [{ name: 'RSS', color: '#1f77b4', points: rss.map((r) => [r.t / 60, r.mb] as const) }],
        },
        {
          title: `p99 latency per ${intervalS} s: DICOMweb and job submit (ms)`,
          yLabel: 'ms',
          series: fast.map(([k, l]) => p99(k, l)),
        },
        {
          title: `p99 per ${intervalS} s: job end-to-end and viewer replay over ws (ms)`,
          yLabel: 'ms',
          series: slow.map(([k, l]) => p99(k, l)),
        },
      ],
      elapsed / 60,
    ),
  );
  const { perInterval: _pi, rss: _r, ...short } = summary;
  process.stdout.write(`${JSON.stringify(short, null, 2)}\n`);
}

function round(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 10) / 10 : NaN;
}

await main();
