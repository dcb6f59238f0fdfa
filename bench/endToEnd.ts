/**
 * End to end as a site runs it (issue 10, targets 2, 4 and 5): a throw-away Orthanc (DICOMweb) holds a CT series of
 * N slices — the 134-slice abdomen CT of ../shared/data looped with new UIDs and continuing positions — and
 * `gsdiff serve` runs as its own process with that Orthanc as a source (push-back on). Each job is POSTed, followed
 * on its websocket from frame 0, and checked: every frame in order, the derived series back in Orthanc (QIDO count
 * == N). Measures POST → first frame, POST → end (slices/s), per-stage timings from the job record, and the server
 * process's RSS (/proc/<pid>/status, every 250 ms): peak per job, RSS after each job (after a settle), VmHWM.
 * Usage: node dist/bench/endToEnd.js [--slices 300] [--jobs 1] [--pack <dir>] [--steps n] [--device cpu]
 *        [--task denoise] [--settle-ms 3000] [--keep]
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runAndFollow, type JobRun } from './e2e/followJob.js';
import { startBenchOrthanc, uploadFiles, type BenchOrthanc } from './e2e/orthanc.js';
import { writeLoopedSeries } from './e2e/loopSeries.js';
import { procMemory, RssSampler } from './e2e/procMemory.js';
import { startServerProcess, type ServerProcess } from './e2e/serverProcess.js';
import { leastSquaresSlope, median } from './e2e/stats.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`bench/endToEnd: ${name}: expected a value`);
  return v;
};
const int = (name: string, fallback: number, min: number): number => {
  const raw = opt(name);
  const v = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`bench/endToEnd: ${name}: expected an integer >= ${min}, got ${JSON.stringify(raw)}`);
  return v;
};
const slices = int('--slices', 300, 1);
const jobs = int('--jobs', 1, 1);
const steps = opt('--steps') === undefined ? undefined : int('--steps', 1, 1);
const settleMs = int('--settle-ms', 3000, 0);
const device = opt('--device') ?? 'cpu';
const task = (opt('--task') ?? 'denoise') as 'denoise' | 'deblur' | 'auto';
const pack = opt('--pack') === undefined ? undefined : resolve(opt('--pack') as string);
const keep = args.includes('--keep');
const repo = process.cwd();
const sourceDir = join(
  process.env.GSDIFF_SHARED_DATA ?? join(repo, '..', 'shared', 'data'),
  'ct-human-abdomen-pancreatic-ct-cbct-seg',
);
const cli = join(repo, 'dist', 'cli', 'main.js');
const token = `bench-e2e-${Math.random().toString(36).slice(2)}-token`;
const say = (s: string): void => void process.stderr.write(`[e2e] ${s}\n`);

const root = mkdtempSync(join(tmpdir(), 'gsdiff-bench-e2e-'));
let orthanc: BenchOrthanc | undefined;
let server: ServerProcess | undefined;
let sampler: RssSampler | undefined;
let cleaned: Promise<void> | undefined;
let interrupted = false;
// Idempotent: runs from the finally below and from a signal, whichever comes first.
const cleanup = (): Promise<void> =>
  (cleaned ??= (async () => {
    sampler?.stop();
    await server?.stop().catch((e: unknown) => say(`server stop: ${String(e)}`));
    await orthanc?.stop().catch((e: unknown) => say(`Orthanc stop: ${String(e)}`));
    if (keep) say(`kept ${root} (series/, orthanc/, server/, server.log)`);
    else rmSync(root, { recursive: true, force: true });
  })());
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    say(`${sig}: stopping the server and Orthanc`);
    void cleanup().finally(() => process.exit(130));
  });
}

interface JobResult {
  readonly job: number;
  readonly id: string;
  readonly firstFrameMs: number;
  readonly endS: number;
  readonly slicesPerSecond: number;
  readonly peakRssMB: number;
  readonly rssAfterMB: number;
  readonly timingsMs: unknown;
  readonly queuedMs: number;
  readonly derivedInOrthanc: number;
}

const round = (x: number, d = 1): number => +x.toFixed(d);

async function qidoCount(o: BenchOrthanc, study: string, series: string): Promise<number> {
  const res = await fetch(`${o.dicomWebUrl}/studies/${study}/series/${series}/instances`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`,
      accept: 'application/dicom+json',
    },
  });
  if (res.status === 204) return 0;
  if (!res.ok) throw new Error(`QIDO instances of series ${series}: expected 200, got HTTP ${res.status}`);
  return ((await res.json()) as unknown[]).length;
}

try {
  const loadBefore = loadavg()[0];
  orthanc = await startBenchOrthanc(join(root, 'orthanc'));
  say(`Orthanc on ${orthanc.url}`);
  let t = performance.now();
  const looped = writeLoopedSeries(sourceDir, join(root, 'series'), slices);
  const writeS = (performance.now() - t) / 1000;
  t = performance.now();
  await uploadFiles(orthanc, looped.files, 4);
  const uploadS = (performance.now() - t) / 1000;
  const inOrthanc = await qidoCount(orthanc, looped.studyInstanceUid, looped.seriesInstanceUid);
  if (inOrthanc !== slices)
    throw new Error(`looped series in Orthanc: expected ${slices} instances (QIDO), got ${inOrthanc}`);
  say(
    `series of ${slices} slices (${looped.rows}x${looped.columns}, ${looped.spacingMm.toFixed(2)} mm) written in ` +
      `${writeS.toFixed(1)} s, uploaded in ${uploadS.toFixed(1)} s`,
  );

  server = await startServerProcess({
    cli,
    dataDir: join(root, 'server'),
    token,
    device,
    logFile: join(root, 'server.log'),
    ...(pack !== undefined ? { pack } : {}),
    sources: [
      {
        id: 'orthanc',
        kind: 'dicomweb',
        baseUrl: orthanc.dicomWebUrl,
        auth: { kind: 'basic', username: orthanc.username, password: orthanc.password },
        pushBack: true,
      },
    ],
  });
  const packLine = (/model pack: (.+?)(?: on device \S+)?$/m.exec(server.banner)?.[1] ?? '?').replace(`${repo}/`, '');
  say(`gsdiff serve pid ${server.pid} on ${server.url}; model pack: ${packLine}`);
  sampler = new RssSampler(server.pid, 250);
  await new Promise((r) => setTimeout(r, settleMs));
  const idleRssMB = sampler.sample() ?? NaN;

  const results: JobResult[] = [];
  for (let j = 1; j <= jobs && !interrupted; j++) {
    // Push-back is asked per job: the route does not default it from the source's config.
    const run: JobRun = await runAndFollow(server.url, token, {
      source: 'orthanc',
      studyInstanceUid: looped.studyInstanceUid,
      seriesInstanceUid: looped.seriesInstanceUid,
      task,
      pushBack: true,
      ...(steps !== undefined ? { steps } : {}),
    });
    if (interrupted) break;
    sampler.sample();
    const peak = sampler.peak(run.postAt, performance.now());
    const rec = run.record;
    if (run.framesReceived !== slices)
      throw new Error(`job ${run.id}: expected ${slices} frames on the websocket, got ${run.framesReceived}`);
    if (rec.pushBack?.state !== 'done' || rec.pushBack.stored !== slices)
      throw new Error(
        `job ${run.id}: push-back: expected done with ${slices} stored, got ${JSON.stringify(rec.pushBack)}`,
      );
    const derived = rec.derivedSeriesInstanceUid as string;
    const derivedCount = await qidoCount(orthanc, looped.studyInstanceUid, derived);
    if (derivedCount !== slices)
      throw new Error(
        `job ${run.id}: derived series ${derived} in Orthanc: expected ${slices} (QIDO), got ${derivedCount}`,
      );
    await new Promise((r) => setTimeout(r, settleMs));
    const after = sampler.sample() ?? NaN;
    const r: JobResult = {
      job: j,
      id: run.id,
      firstFrameMs: Math.round(run.firstFrameMs),
      endS: round(run.endMs / 1000, 2),
      slicesPerSecond: round(slices / (run.endMs / 1000), 3),
      peakRssMB: round(peak),
      rssAfterMB: round(after),
      timingsMs: rec.timings,
      queuedMs: rec.startedAt !== undefined ? Date.parse(rec.startedAt) - Date.parse(rec.createdAt) : Number.NaN,
      derivedInOrthanc: derivedCount,
    };
    results.push(r);
    say(
      `job ${j}/${jobs}: first frame ${r.firstFrameMs} ms, end ${r.endS} s (${r.slicesPerSecond} slices/s), ` +
        `peak RSS ${r.peakRssMB} MB, after ${r.rssAfterMB} MB, timings ${JSON.stringify(rec.timings)}`,
    );
  }
  if (interrupted) throw new Error('bench/endToEnd: interrupted; no result');
  const mem = procMemory(server.pid);
  const after = results.map((r) => r.rssAfterMB);
  const later = results.slice(1);
  const out = {
    bench: 'endToEnd',
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    node: process.version,
    loadAverage: { before: round(loadBefore, 2), after: round(loadavg()[0], 2) },
    device,
    pack: packLine,
    steps: steps ?? 'pack default',
    task,
    slices,
    size: `${looped.rows}x${looped.columns}`,
    source: `${looped.sourceSlices}-slice abdomen CT looped, ${looped.spacingMm.toFixed(2)} mm`,
    seriesWriteS: round(writeS, 2),
    orthancUploadS: round(uploadS, 2),
    jobs,
    rssSamples: sampler.count,
    idleRssMB: round(idleRssMB),
    vmHwmMB: mem ? round(mem.hwmMB) : NaN,
    firstJob: { firstFrameMs: results[0].firstFrameMs, slicesPerSecond: results[0].slicesPerSecond },
    laterJobsMedian:
      later.length > 0
        ? {
            firstFrameMs: median(later.map((r) => r.firstFrameMs)),
            slicesPerSecond: median(later.map((r) => r.slicesPerSecond)),
          }
        : undefined,
    maxPeakRssMB: Math.max(...results.map((r) => r.peakRssMB)),
    rssAfterFirstMB: after[0],
    rssAfterLastMB: after[after.length - 1],
    rssSlopeMBPerJob: after.length >= 2 ? round(leastSquaresSlope(after), 2) : undefined,
    perJob: results,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  // | date | device | pack | steps | slices | jobs | first frame ms (job 1 / later median) | slices/s (job 1 / later
  // median) | peak RSS MB | RSS after job 1 → last, slope | VmHWM MB |
  const lm = out.laterJobsMedian;
  process.stdout.write(
    `| ${out.date.slice(0, 10)} | ${device} | ${packLine} | ${out.steps} | ${slices} | ` +
      `${jobs} | ${out.firstJob.firstFrameMs}${lm ? ` / ${lm.firstFrameMs}` : ''} | ` +
      `${out.firstJob.slicesPerSecond}${lm ? ` / ${lm.slicesPerSecond}` : ''} | ${out.maxPeakRssMB} | ` +
      `${out.rssAfterFirstMB} → ${out.rssAfterLastMB}${out.rssSlopeMBPerJob !== undefined ? `, ${out.rssSlopeMBPerJob} MB/job` : ''} | ` +
      `${out.vmHwmMB} |\n`,
  );
} finally {
  await cleanup();
}
