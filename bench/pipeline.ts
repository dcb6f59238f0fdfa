/**
 * Pipeline throughput of a pack (GSDiff, or a single-network denoiser) on a 512x512 CT series: per-stage
 * milliseconds and slices/s, per device, one run.
 * Usage: node dist/bench/pipeline.js [--pack models/packs/tiny-test[,<another pack>…]] [--slices 9] [--steps 4] [--devices cpu,webgpu]
 *        [--series <folder of a CT series>] [--keep-air]
 * Input: the project's phantom (demo/) at 512x512 encoded as a DICOM series in memory, so the bench needs no data
 * files, or the first `--slices` slices of a real single-frame CT series (`--series`, e.g.
 * ../shared/data/ct-human-abdomen-pancreatic-ct-cbct-seg: air tiles are skipped as much as real anatomy allows).
 * `--keep-air` restores air tiles too. A run is what `gsdiff restore` and a job run (restoreDicomSeries): decoding
 * and derived-instance encoding are in the total, the derived instances are dropped. A device that is not available
 * is reported as such and skipped. Several packs (comma-separated) run one after the other on the same input in the
 * same process: the side-by-side figures of docs/BENCHMARKS.md.
 */
import { availableParallelism, cpus } from 'node:os';
import { createLogger } from '../common/index.js';
import { loadPack, type DeviceRequest } from '../models/index.js';
import { assembleSeries, parseInstance, type DicomInstance } from '../pacs-adapters/index.js';
import { restoreDicomSeries, type SourceSeries } from '../restore/index.js';
import { encodePhantomSeries } from './phantomSeries.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const packDirs = flag('--pack', 'models/packs/tiny-test').split(',');
const slices = Number(flag('--slices', '9'));
const steps = Number(flag('--steps', '4'));
const size = Number(flag('--size', '512'));
const devices = flag('--devices', 'cpu').split(',') as DeviceRequest[];
const seriesDir = flag('--series', '');
const skipAir = !args.includes('--keep-air');
const logger = createLogger('warn');

const source = seriesDir ? await realSeries(seriesDir, slices) : phantomSeries(slices, size);
const height = source.series.rows;
const results: Record<string, unknown>[] = [];
for (const [packDir, device] of packDirs.flatMap((p) => devices.map((d) => [p, d] as const))) {
  let pack;
  try {
    pack = await loadPack(packDir, { device, logger });
  } catch (e) {
    results.push({ device, pack: packDir, error: e instanceof Error ? e.message : String(e) });
    continue;
  }
  let firstFrameMs = 0;
  const t0 = performance.now();
  const r = await restoreDicomSeries(
    source,
    pack,
    // A denoiser pack (DenoiserPipeline) takes no steps or text: restoreDicomSeries gives them to GSDiff packs only.
    { seed: 1, steps, degradation: 'low-dose CT noise', skipAir, softwareVersion: 'bench' },
    {
      open: async () => ({
        frame: () => {
          if (firstFrameMs === 0) firstFrameMs = performance.now() - t0;
        },
        instance: () => undefined,
      }),
    },
  );
  const t = r.timings;
  results.push({
    device: pack.device,
    pack: `${pack.index.name} ${pack.index.version}`,
    input: seriesDir || 'phantom',
    slices: r.frames,
    size: height,
    steps: pack.kind === 'gsdiff' ? steps : null,
    windows: r.windows,
    tilesPerFrame: r.tilesPerFrame,
    tileWindows: r.windows * r.tilesPerFrame,
    airTileWindows: r.airTileWindows,
    msPerTileWindow: +(t.total / (r.windows * r.tilesPerFrame)).toFixed(1),
    firstFrameMs: Math.round(firstFrameMs),
    stagesMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])),
    slicesPerSecond: +(r.frames / (t.total / 1000)).toFixed(4),
  });
  await pack.release();
}
process.stdout.write(
  `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), cpu: cpus()[0]?.model, cores: availableParallelism(), results }, null, 2)}\n`,
);

/** The phantom as a parsed DICOM series held in memory. */
function phantomSeries(n: number, side: number): SourceSeries {
  const { instances } = encodePhantomSeries({
    slices: n,
    size: side,
    stepMm: 5,
    pixelMm: 1,
    depthSlices: Math.max(n, 36),
  });
  const byUid = new Map<string, DicomInstance>();
  let z = 0;
  for (const bytes of instances) {
    const inst = parseInstance(bytes, `phantom slice ${z++}`);
    byUid.set(inst.header.sopInstanceUid, inst);
  }
  const [series] = assembleSeries([...byUid.values()].map((i) => i.header));
  return { series, instance: (uid) => lookup(byUid, uid) };
}

/** The first `n` slices of a CT series folder, in the series' own order (square frames only). */
async function realSeries(dir: string, n: number): Promise<SourceSeries> {
  // Loaded only for --series: the file walker and capsule import are not needed on a bare GPU host running the phantom.
  const { instanceOf, seriesFromPaths } = await import('../cli/index.js');
  const loaded = await seriesFromPaths([dir]);
  const { rows, columns, slices: all } = loaded.series;
  if (rows !== columns) throw new Error(`bench/pipeline: ${dir}: expected square frames, got ${rows}x${columns}`);
  return { series: { ...loaded.series, slices: all.slice(0, n) }, instance: (uid) => instanceOf(loaded, uid) };
}

function lookup(byUid: ReadonlyMap<string, DicomInstance>, uid: string): DicomInstance {
  const inst = byUid.get(uid);
  if (!inst) throw new Error(`bench/pipeline: instance ${uid}: expected one of the phantom's, got none`);
  return inst;
}
