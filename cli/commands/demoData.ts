import { availableParallelism } from 'node:os';
import type { Logger } from '../../common/index.js';
import { ctPhantomRois, DEMO_DEFAULTS, writeDemoStudy, type DemoSeries } from '../../demo/index.js';
import {
  assembleSeries,
  decodeFrame,
  LocalStore,
  modalityValues,
  readInstanceFile,
  type AssembledSeries,
} from '../../pacs-adapters/index.js';
import { EXIT } from '../exitCodes.js';
import { progress } from '../progress.js';
import { VERSION } from '../version.js';
import { describeSeries } from './info.js';

export interface DemoDataOptions {
  storeDir: string;
  slices?: number;
  dose?: number;
  frames?: number;
  seed?: number;
  workers?: number;
  json?: boolean;
  logger: Logger;
}

/**
 * `gsdiff demo-data`: generates the demo studies into the local store (or finds them there) and prints what is
 * in them, including the noise measured in the stored phantom slices at each dose.
 * @returns an EXIT code
 */
export async function demoDataCommand(o: DemoDataOptions, out: NodeJS.WritableStream): Promise<number> {
  const sliceCount = o.slices ?? DEMO_DEFAULTS.sliceCount;
  const lowDoseFraction = o.dose ?? DEMO_DEFAULTS.lowDoseFraction;
  const store = await LocalStore.open(o.storeDir, { logger: o.logger });
  try {
    const bar = progress('demo data', sliceCount + 1);
    const t0 = performance.now();
    const result = await writeDemoStudy(store, {
      ...DEMO_DEFAULTS,
      sliceCount,
      lowDoseFraction,
      endoscopyFrameCount: o.frames ?? DEMO_DEFAULTS.endoscopyFrameCount,
      seed: o.seed ?? DEMO_DEFAULTS.seed,
      workers: o.workers ?? Math.min(2, availableParallelism()),
      softwareVersion: VERSION,
      onProgress: (_done, _total, label) => bar.tick(label),
    });
    bar.stop();
    const seconds = (performance.now() - t0) / 1000;
    const assembled = new Map<string, AssembledSeries>();
    for (const s of result.series) {
      const headers = [];
      for (const i of store.listInstances(s.seriesInstanceUid)) headers.push((await readInstanceFile(i.path)).header);
      assembled.set(s.seriesInstanceUid, assembleSeries(headers)[0]);
    }
    const noise = await phantomNoise(result.series, assembled, sliceCount);
    if (o.json) {
      out.write(`${JSON.stringify({ store: o.storeDir, ...result, seconds, noise }, null, 2)}\n`);
    } else {
      out.write(
        result.alreadyPresent
          ? `demo data already in ${o.storeDir} (same seed and sizes); nothing generated\n\n`
          : `demo data written to ${o.storeDir} in ${seconds.toFixed(1)} s\n\n`,
      );
      for (const s of result.series)
        out.write(`${describeSeries(assembled.get(s.seriesInstanceUid) as AssembledSeries)}\n\n`);
      out.write(`noise SD in the muscle ROI of the middle slice, read back from the stored DICOM:\n`);
      for (const n of noise)
        out.write(`  ${n.role.padEnd(15)} ${n.sdHu.toFixed(1)} HU (mean ${n.meanHu.toFixed(1)} HU)\n`);
      out.write(`\nbrowse with: gsdiff info ${o.storeDir}/objects\n`);
    }
    return EXIT.OK;
  } finally {
    await store.close();
  }
}

async function phantomNoise(
  series: readonly DemoSeries[],
  assembled: ReadonlyMap<string, AssembledSeries>,
  sliceCount: number,
): Promise<{ role: string; meanHu: number; sdHu: number }[]> {
  const z = Math.floor(sliceCount / 2);
  const out = [];
  for (const s of series.filter((x) => x.role.startsWith('ct-'))) {
    const a = assembled.get(s.seriesInstanceUid) as AssembledSeries;
    const slice = a.slices[z];
    const inst = await readInstanceFile(slice.file);
    const frame = await decodeFrame(inst, 0);
    if (frame.kind !== 'gray') continue;
    const hu = modalityValues(frame, inst.header);
    const roi = ctPhantomRois(z, sliceCount, a.columns).muscle;
    let n = 0;
    let sum = 0;
    let sq = 0;
    for (let r = Math.floor(roi.row - roi.radiusPx); r <= roi.row + roi.radiusPx; r++) {
      for (let c = Math.floor(roi.col - roi.radiusPx); c <= roi.col + roi.radiusPx; c++) {
        if ((r - roi.row) ** 2 + (c - roi.col) ** 2 > roi.radiusPx ** 2) continue;
        const v = hu[r * a.columns + c];
        n++;
        sum += v;
        sq += v * v;
      }
    }
    const mean = sum / n;
    out.push({ role: s.role, meanHu: mean, sdHu: Math.sqrt(Math.max(0, sq / n - mean * mean)) });
  }
  return out;
}
