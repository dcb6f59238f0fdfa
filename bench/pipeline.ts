/**
 * Pipeline throughput of a pack (GSDiff, or a single-network denoiser) on a 512x512 CT series: per-stage
 * milliseconds and slices/s, per device, one run.
 * Usage: node dist/bench/pipeline.js [--pack models/packs/tiny-test] [--slices 9] [--steps 4] [--devices cpu,webgpu]
 *        [--series <folder of a CT series>] [--keep-air]
 * Input: the project's phantom (demo/) at 512x512, so the bench needs no data files, or the first `--slices` slices
 * of a real CT series (`--series`, e.g. ../shared/data/ct-human-abdomen-pancreatic-ct-cbct-seg: air tiles are
 * skipped as much as real anatomy allows). `--keep-air` restores air tiles too. A device that is not available is
 * reported as such and skipped.
 */
import { availableParallelism, cpus } from 'node:os';
import { createLogger } from '../common/index.js';
import { ctPhantomSlice } from '../demo/index.js';
import { loadPack, restoreSeries, type DeviceRequest, type SeriesTimings } from '../models/index.js';
import { createRng } from '../validation/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const packDir = flag('--pack', 'models/packs/tiny-test');
const slices = Number(flag('--slices', '9'));
const steps = Number(flag('--steps', '4'));
const size = Number(flag('--size', '512'));
const devices = flag('--devices', 'cpu').split(',') as DeviceRequest[];
const seriesDir = flag('--series', '');
const skipAir = !args.includes('--keep-air');
const logger = createLogger('warn');

const frames = seriesDir
  ? await seriesFrames(seriesDir, slices)
  : Array.from({ length: slices }, (_, z) => ctPhantomSlice(z, Math.max(slices, 36), size));
const height = seriesDir ? Math.sqrt(frames[0].length) : size;
const results: Record<string, unknown>[] = [];
for (const device of devices) {
  let pack;
  try {
    pack = await loadPack(packDir, { device, logger });
  } catch (e) {
    results.push({ device, error: e instanceof Error ? e.message : String(e) });
    continue;
  }
  const rng = createRng(1);
  let timings: SeriesTimings | undefined;
  let windows = 0;
  let tiles = 0;
  let air = 0;
  let firstFrameMs = 0;
  const t0 = performance.now();
  for await (const ev of restoreSeries(
    pack,
    { kind: 'ct', count: slices, height, width: height, frame: async (i) => frames[i] },
    {
      noise: (n) => Float32Array.from({ length: n }, () => rng.normal()),
      // A denoiser pack (DenoiserPipeline) takes no steps or text.
      ...(pack.kind === 'gsdiff' ? { steps, degradation: 'low-dose CT noise' } : {}),
      header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
      skipAir,
    },
  )) {
    if (ev.type === 'frame' && ev.done === 1) firstFrameMs = performance.now() - t0;
    if (ev.type === 'done') {
      timings = ev.timings;
      windows = ev.windows;
      tiles = ev.tilesPerFrame;
      air = ev.airTileWindows ?? 0;
    }
  }
  const t = timings as SeriesTimings;
  results.push({
    device: pack.device,
    pack: `${pack.index.name} ${pack.index.version}`,
    input: seriesDir || 'phantom',
    slices,
    size: height,
    steps: pack.kind === 'gsdiff' ? steps : null,
    windows,
    tilesPerFrame: tiles,
    tileWindows: windows * tiles,
    airTileWindows: air,
    msPerTileWindow: +(t.total / (windows * tiles)).toFixed(1),
    firstFrameMs: Math.round(firstFrameMs),
    stagesMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)])),
    slicesPerSecond: +(slices / (t.total / 1000)).toFixed(4),
  });
  await pack.release();
}
process.stdout.write(
  `${JSON.stringify({ date: new Date().toISOString().slice(0, 10), cpu: cpus()[0]?.model, cores: availableParallelism(), results }, null, 2)}\n`,
);

/** The first `n` slices of a CT series folder in HU, in the series' own order (square frames only). */
async function seriesFrames(dir: string, n: number): Promise<Float32Array[]> {
  // Loaded only for --series: the DICOM stack is not needed on a bare GPU host running the phantom.
  const { seriesFrame, seriesFromPaths } = await import('../cli/commands/seriesFromPaths.js');
  const series = await seriesFromPaths([dir]);
  const { rows, columns, slices } = series.series;
  if (rows !== columns) throw new Error(`bench/pipeline: ${dir}: expected square frames, got ${rows}x${columns}`);
  const out: Float32Array[] = [];
  for (let i = 0; i < Math.min(n, slices.length); i++) out.push((await seriesFrame(series, i)) as Float32Array);
  return out;
}
