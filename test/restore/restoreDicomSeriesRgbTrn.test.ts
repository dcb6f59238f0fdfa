import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import { loadPack, STRENGTH_WEIGHTS, type LoadedPack } from '../../models/index.js';
import {
  assembleSeries,
  encodeCtSlice,
  encodeEndoscopySequence,
  newUid,
  parseInstance,
  readNaturalDataset,
  type DicomInstance,
} from '../../pacs-adapters/index.js';
import { restoreDicomSeries, type SourceSeries } from '../../restore/index.js';
import { rgbTrnPack } from '../models/helpers/packs.js';

// A pack with an RGB per-frame TRN (trn_frame.rgb): a colour series records the RGB graph's weight for its strength
// in the derived series, a CT series the weight it runs (here the global blend), so what is recorded is what ran.
const logger = createLogger('silent');
const TINY = join(process.cwd(), 'models/packs/tiny-test');
const SIZE = 32;
const RGB_LOW = 0.4;

function context(): Parameters<typeof encodeCtSlice>[0] {
  return {
    patientId: 'RESTORE',
    patientName: 'TEST^RESTORE',
    studyInstanceUid: newUid(),
    studyId: 'R1',
    studyDescription: 'restore test',
    seriesInstanceUid: newUid(),
    seriesNumber: 3,
    seriesDescription: 'input',
    provenance: 'SYNTHETIC test data',
    softwareVersion: 'test',
    createdAt: new Date('2026-11-26T10:00:00Z'),
  };
}

/** The series of these instances, held in memory. */
function sourceOf(instances: DicomInstance[]): SourceSeries {
  const byUid = new Map(instances.map((i) => [i.header.sopInstanceUid, i]));
  const [series] = assembleSeries(instances.map((i) => i.header));
  return {
    series,
    instance: (uid) => {
      const inst = byUid.get(uid);
      if (!inst) throw new Error(`no instance ${uid}`);
      return inst;
    },
  };
}

/** One synthetic capsule sequence of three colour frames. */
function rgbSource(): SourceSeries {
  const frames = Array.from({ length: 3 }, (_, i) =>
    Uint8Array.from({ length: SIZE * SIZE * 3 }, (_, p) => Math.round(128 + 90 * Math.sin(p * 0.29 + i))),
  );
  const bytes = encodeEndoscopySequence(context(), {
    sopInstanceUid: newUid(),
    instanceNumber: 1,
    rows: SIZE,
    columns: SIZE,
    frames,
    frameTimeMs: 125,
  });
  return sourceOf([parseInstance(bytes, 'capsule')]);
}

/** Two synthetic CT slices. */
function ctSource(): SourceSeries {
  const ctx = context();
  return sourceOf(
    [0, 1].map((z) =>
      parseInstance(
        encodeCtSlice(ctx, {
          sopInstanceUid: newUid(),
          instanceNumber: z + 1,
          rows: SIZE,
          columns: SIZE,
          hu: Float32Array.from({ length: SIZE * SIZE }, (_, j) => 40 + ((j * 7919 + z * 104729) % 61) - 30),
          position: [0, 0, z * 2],
          pixelSpacing: [0.7, 0.7],
          sliceThickness: 2,
          acquisition: { kvp: 120, ctdiVol: 2 },
        }),
        `slice ${z}`,
      ),
    ),
  );
}

describe('restoreDicomSeries with an RGB per-frame TRN', () => {
  let dir: string;
  let pack: LoadedPack;
  beforeAll(async () => {
    dir = rgbTrnPack(
      TINY,
      { file: 'trn_frame/model.onnx', radius: 1, scale: 0.7 },
      { file: 'trn_frame_rgb/model.onnx', radius: 2, scale: 0.5, weights: { low: RGB_LOW, medium: 1, high: 1 } },
    );
    pack = await loadPack(dir, { device: 'cpu', logger });
  });
  afterAll(async () => {
    await pack.release();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The run's strength and the DerivationDescription of its derived instances. */
  async function run(source: SourceSeries): Promise<{ strength: unknown; text: string }> {
    let text = '';
    const restored = await restoreDicomSeries(
      source,
      pack,
      { seed: 1, steps: 1, strength: 'low', softwareVersion: 'test', logger },
      {
        open: async () => ({
          frame: () => undefined,
          instance: (d) => {
            text = String(readNaturalDataset(d.bytes, d.sopInstanceUid).DerivationDescription);
          },
        }),
      },
    );
    return { strength: restored.strength, text };
  }

  it('records the RGB graph weight for a colour series', async () => {
    const { strength, text } = await run(rgbSource());
    expect(strength).toEqual({ level: 'low', weight: RGB_LOW });
    expect(text).toContain(`strength low (blend ${RGB_LOW} with the input`);
  }, 60_000);

  it('records the CT weight for a CT series of the same pack', async () => {
    const { strength, text } = await run(ctSource());
    expect(strength).toEqual({ level: 'low', weight: STRENGTH_WEIGHTS.low });
    expect(text).toContain(`strength low (blend ${STRENGTH_WEIGHTS.low} with the input`);
  }, 60_000);
});
