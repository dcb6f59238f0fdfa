/**
 * WADO-RS series retrieve throughput through DicomWebAdapter (streamed multipart parse + SOP UID read per part),
 * against two references measured in the same run on the same series:
 *   - raw WADO-RS: the same request read with plain fetch, no parsing (what Orthanc's plugin and HTTP stack give);
 *   - Orthanc archive: GET /series/{id}/archive (a zip of the stored files), Orthanc's own bulk download.
 * Usage: node dist/bench/wado.js --url http://127.0.0.1:8042 --user u --password p --series <SeriesInstanceUID>
 *        [--runs 5]
 * `bench/wado.sh` starts a throw-away Orthanc, uploads ../shared/data/ct-human-abdomen-pancreatic-ct-cbct-seg and
 * runs this. The bench takes a running Orthanc; it never imports test code.
 */
import { DicomWebAdapter } from '../pacs-adapters/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback?: string): string => {
  const i = args.indexOf(name);
  const v = i >= 0 ? args[i + 1] : fallback;
  if (v === undefined)
    throw new Error(`bench/wado: ${name} missing: expected a value (see the usage in bench/wado.ts)`);
  return v;
};
const url = flag('--url').replace(/\/+$/, '');
const user = flag('--user');
const password = flag('--password');
const seriesUid = flag('--series');
const runs = Number(flag('--runs', '5'));
const authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function rest<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${url}${path}`, { ...init, headers: { authorization, ...(init.headers ?? {}) } });
  if (!res.ok) throw new Error(`bench/wado: ${init.method ?? 'GET'} ${path}: expected 2xx, got HTTP ${res.status}`);
  return (await res.json()) as T;
}

// Orthanc ids of the series and its study (the archive route takes Orthanc ids, WADO-RS takes UIDs).
const [hit] = await rest<{ ID: string; Type: string }[]>('/tools/lookup', { method: 'POST', body: seriesUid });
if (hit?.Type !== 'Series') throw new Error(`bench/wado: series ${seriesUid}: expected it in Orthanc, got no match`);
const orthancSeries = await rest<{ ParentStudy: string; Instances: string[] }>(`/series/${hit.ID}`);
const study = await rest<{ MainDicomTags: { StudyInstanceUID: string } }>(`/studies/${orthancSeries.ParentStudy}`);
const studyUid = study.MainDicomTags.StudyInstanceUID;

const pacs = new DicomWebAdapter({
  baseUrl: `${url}/dicom-web`,
  auth: { kind: 'basic', username: user, password },
  timeoutMs: 60_000,
});

interface Run {
  seconds: number;
  /** DICOM payload bytes (sum of instance sizes) and what went over the wire. */
  payloadBytes: number;
  wireBytes: number;
  slices: number;
  /** Peak of heap + array buffers above the start of the run, sampled every 5 ms. */
  peakExtraMB?: number;
}

async function timed(fn: () => Promise<Omit<Run, 'seconds'>>): Promise<Run> {
  const t0 = performance.now();
  const r = await fn();
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

const memNow = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

let largest = 0;
async function ours(): Promise<Omit<Run, 'seconds'>> {
  globalThis.gc?.();
  const base = memNow();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, memNow())), 5);
  let bytes = 0;
  let slices = 0;
  try {
    for await (const inst of pacs.retrieveSeries(studyUid, seriesUid)) {
      bytes += inst.bytes.length;
      largest = Math.max(largest, inst.bytes.length);
      slices++;
    }
  } finally {
    clearInterval(sampler);
  }
  return { payloadBytes: bytes, wireBytes: NaN, slices, peakExtraMB: (peak - base) / 1e6 };
}

async function drain(path: string, accept: string): Promise<number> {
  const res = await fetch(`${url}${path}`, { headers: { authorization, accept } });
  if (!res.ok || res.body === null) throw new Error(`bench/wado: GET ${path}: expected 200, got ${res.status}`);
  const reader = res.body.getReader();
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return n;
    n += value.length;
  }
}

let payload = 0;
const rawWado = async (): Promise<Omit<Run, 'seconds'>> => {
  const wire = await drain(
    `/dicom-web/studies/${studyUid}/series/${seriesUid}`,
    'multipart/related; type="application/dicom"; transfer-syntax=*',
  );
  return { payloadBytes: payload, wireBytes: wire, slices: orthancSeries.Instances.length };
};
const archive = async (): Promise<Omit<Run, 'seconds'>> => {
  const wire = await drain(`/series/${hit.ID}/archive`, 'application/zip');
  return { payloadBytes: payload, wireBytes: wire, slices: orthancSeries.Instances.length };
};

// Warm-up (page cache, connections, JIT: our path runs JS per chunk and per part, so it gets three), then `runs`
// rounds, interleaved so drift hits all three alike.
for (let w = 0; w < 3; w++) payload = (await ours()).payloadBytes;
await rawWado();
await archive();
const results: Record<'ours' | 'rawWado' | 'archive', Run[]> = { ours: [], rawWado: [], archive: [] };
for (let r = 0; r < runs; r++) {
  results.ours.push(await timed(ours));
  results.rawWado.push(await timed(rawWado));
  results.archive.push(await timed(archive));
}

/**
 * Untimed: the most memory held after a full GC at each yielded instance, minus what is held after a full GC once
 * the stream is done — what streaming really retains (one instance, parser and socket buffers), as opposed to
 * garbage not yet collected. Needs --expose-gc.
 */
async function retainedPeak(): Promise<number | undefined> {
  const gc = globalThis.gc;
  if (gc === undefined) return undefined;
  let peak = 0;
  for await (const inst of pacs.retrieveSeries(studyUid, seriesUid)) {
    gc();
    peak = Math.max(peak, memNow());
    void inst;
  }
  gc();
  return +((peak - memNow()) / 1e6).toFixed(1);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
interface Summary {
  medianSeconds: number;
  payloadMBps: number;
  slicesPerSecond: number;
  wireMB?: number;
  /** Peak growth of heap + array buffers during a timed run (garbage not yet collected included). */
  peakExtraMB?: number;
}
const summarize = (rs: Run[]): Summary => {
  const s = median(rs.map((r) => r.seconds));
  return {
    medianSeconds: +s.toFixed(3),
    payloadMBps: +(rs[0].payloadBytes / 1e6 / s).toFixed(1),
    slicesPerSecond: +(rs[0].slices / s).toFixed(1),
    wireMB: Number.isNaN(rs[0].wireBytes) ? undefined : +(rs[0].wireBytes / 1e6).toFixed(1),
    peakExtraMB:
      rs[0].peakExtraMB === undefined ? undefined : +Math.max(...rs.map((r) => r.peakExtraMB ?? 0)).toFixed(1),
  };
};
const summary = {
  ours: summarize(results.ours),
  rawWado: summarize(results.rawWado),
  archive: summarize(results.archive),
};
const retainedMB = await retainedPeak();

const out = {
  series: seriesUid,
  slices: results.ours[0].slices,
  payloadMB: +(payload / 1e6).toFixed(1),
  largestInstanceMB: +(largest / 1e6).toFixed(2),
  runs,
  retainedPeakMB: retainedMB,
  ...summary,
  ratioOursToArchive: +(summary.archive.medianSeconds / summary.ours.medianSeconds).toFixed(2),
  ratioOursToRawWado: +(summary.rawWado.medianSeconds / summary.ours.medianSeconds).toFixed(2),
};
console.log(`WADO-RS series retrieve, ${out.slices} slices, ${out.payloadMB} MB of DICOM, median of ${runs} runs`);
for (const k of ['ours', 'rawWado', 'archive'] as const) {
  const s = summary[k];
  console.log(
    `  ${k.padEnd(8)} ${s.medianSeconds.toFixed(3)} s  ${s.payloadMBps.toFixed(1).padStart(7)} MB/s  ${s.slicesPerSecond
      .toFixed(1)
      .padStart(7)} slices/s`,
  );
}
if (retainedMB !== undefined) {
  console.log(
    `  ours: at most ${retainedMB} MB retained while streaming (largest instance ${out.largestInstanceMB} MB)`,
  );
}
console.log(`  ours / archive throughput: ${out.ratioOursToArchive}x; ours / raw WADO-RS: ${out.ratioOursToRawWado}x`);
console.log(JSON.stringify(out));
await pacs.close();
