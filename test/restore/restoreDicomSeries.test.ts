import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import { loadPack, type LoadedPack } from '../../models/index.js';
import {
  assembleSeries,
  encodeCtSlice,
  newUid,
  parseInstance,
  readNaturalDataset,
  type DicomInstance,
} from '../../pacs-adapters/index.js';
import { restoreDicomSeries, type DerivedSeriesOutput, type SourceSeries } from '../../restore/index.js';

const logger = createLogger('silent');
const GSDIFF_PACK = join(process.cwd(), 'models/packs/tiny-test');
const DENOISER_PACK = join(process.cwd(), 'models/packs/tiny-denoiser-test');

/** A 32x32 synthetic CT series (SeriesNumber 3), one instance per slice, held in memory. */
function ctSource(slices: number): SourceSeries {
  const ctx = {
    patientId: 'RESTORE',
    patientName: 'TEST^RESTORE',
    studyInstanceUid: newUid(),
    studyId: 'R1',
    studyDescription: 'restore test',
    seriesInstanceUid: newUid(),
    seriesNumber: 3,
    seriesDescription: 'low dose',
    provenance: 'SYNTHETIC test data',
    softwareVersion: 'test',
    createdAt: new Date('2026-11-26T10:00:00Z'),
  };
  const byUid = new Map<string, DicomInstance>();
  for (let z = 0; z < slices; z++) {
    const hu = Float32Array.from({ length: 32 * 32 }, (_, j) => 40 + ((j * 7919 + z * 104729) % 61) - 30);
    const bytes = encodeCtSlice(ctx, {
      sopInstanceUid: newUid(),
      instanceNumber: z + 1,
      rows: 32,
      columns: 32,
      hu,
      position: [0, 0, z * 2],
      pixelSpacing: [0.7, 0.7],
      sliceThickness: 2,
      acquisition: { kvp: 120, ctdiVol: 2 },
    });
    const inst = parseInstance(bytes, `slice ${z}`);
    byUid.set(inst.header.sopInstanceUid, inst);
  }
  const [series] = assembleSeries([...byUid.values()].map((i) => i.header));
  return {
    series,
    instance: (uid) => {
      const inst = byUid.get(uid);
      if (!inst) throw new Error(`no instance ${uid}`);
      return inst;
    },
  };
}

/** An output that records what it was handed, in order. */
function recorder(): { calls: string[]; frames: (Float32Array | Uint8Array)[]; output: DerivedSeriesOutput } {
  const calls: string[] = [];
  const frames: (Float32Array | Uint8Array)[] = [];
  return {
    calls,
    frames,
    output: {
      degradation: (phrase) => void calls.push(`degradation ${phrase}`),
      frame: (index, values) => {
        calls.push(`frame ${index}`);
        frames[index] = values;
      },
      instance: (d, source) => {
        const ds = readNaturalDataset(d.bytes, d.sopInstanceUid);
        calls.push(`instance of ${source.header.instanceNumber} in ${String(ds.SeriesInstanceUID)}`);
      },
      close: async () => void calls.push('close'),
      abort: async () => void calls.push('abort'),
    },
  };
}

describe('restoreDicomSeries', () => {
  let denoiser: LoadedPack;
  let gsdiff: LoadedPack;
  beforeAll(async () => {
    denoiser = await loadPack(DENOISER_PACK, { device: 'cpu', logger });
    gsdiff = await loadPack(GSDIFF_PACK, { device: 'cpu', logger });
  });
  afterAll(async () => {
    await denoiser.release();
    await gsdiff.release();
  });

  it('opens the derived series first, then hands out the text, each frame and instance in order, and closes', async () => {
    const source = ctSource(3);
    const rec = recorder();
    let opened = '';
    const restored = await restoreDicomSeries(
      source,
      denoiser,
      { seed: 1, softwareVersion: 'test', takenSeriesNumbers: [1003], logger },
      {
        open: async (derived) => {
          opened = derived.seriesInstanceUid;
          rec.calls.push(`open ${derived.seriesNumber}`);
          return rec.output;
        },
      },
    );
    const uid = restored.derivedSeries.seriesInstanceUid;
    expect(opened).toBe(uid);
    expect(rec.calls).toEqual([
      'open 1004',
      'degradation not used by denoiser packs',
      'frame 0',
      `instance of 1 in ${uid}`,
      'frame 1',
      `instance of 2 in ${uid}`,
      'frame 2',
      `instance of 3 in ${uid}`,
      'close',
    ]);
    expect(restored).toMatchObject({
      degradation: 'not used by denoiser packs',
      strength: { level: 'medium', weight: 0.75 },
      frames: 3,
      instances: 3,
      windows: 3,
      airTileWindows: 0,
    });
    expect(restored.derivedSeries.seriesDescription).toBe('low dose [GSDiff] strength medium');
    expect(Object.keys(restored.timings)).toEqual(['denoiser', 'other', 'total']);
  });

  it('aborts the output and rethrows when the output fails', async () => {
    const rec = recorder();
    const failing: DerivedSeriesOutput = {
      ...rec.output,
      instance: () => {
        throw new Error('disk full');
      },
    };
    await expect(
      restoreDicomSeries(ctSource(2), denoiser, { seed: 1, softwareVersion: 'test' }, { open: async () => failing }),
    ).rejects.toThrow('disk full');
    expect(rec.calls.filter((c) => c === 'abort' || c === 'close')).toEqual(['abort']);
  });

  it('conditions a GSDiff pack on its own label for a forced task, records it, and one seed restores the same pixels', async () => {
    const run = async (seed: number): Promise<{ frames: (Float32Array | Uint8Array)[]; text: string }> => {
      const rec = recorder();
      let text = '';
      const output: DerivedSeriesOutput = {
        ...rec.output,
        instance: (d) => {
          text = String(readNaturalDataset(d.bytes, d.sopInstanceUid).DerivationDescription);
        },
      };
      const restored = await restoreDicomSeries(
        ctSource(2),
        gsdiff,
        { seed, task: 'denoise', steps: 1, strength: 'high', softwareVersion: 'test', logger },
        { open: async () => output },
      );
      expect(restored.degradation).toBe('low-dose CT noise');
      return { frames: rec.frames, text };
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(a.text).toContain('task denoise');
    expect(a.text).toContain('steps=1');
    expect(a.text).toContain('seed=7');
    expect(b.frames).toEqual(a.frames);
    expect(c.frames).not.toEqual(a.frames);
  });
});
