import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, strengthAction, type SeriesSource, type Strength } from '../../models/index.js';
import { centreLookTimes } from './helpers/onnxGraph.js';
import { asGsdiff, brokenPack } from './helpers/packs.js';

// A GSDiff pack that declares how each strength acts (trn_frame.strengths): each strength must run its own per-frame
// TRN graph and blend with its own weight. The three graphs scale the centre look by different constants, so the
// change each strength makes tells which graph and which weight it used.
const logger = createLogger('silent');
const TINY = join(process.cwd(), 'models/packs/tiny-test');
const SIZE = 32; // the tiny pack's tile
const RADIUS = 1;
/** graph constant c and blend weight w per strength: the HU change is w (c - 1) (HU - window centre). */
const TABLE: Record<Strength, { file: string; scale: number; weight: number; own: number }> = {
  low: { file: 'trn_frame_low/model.onnx', scale: 0.9, weight: 1, own: 0 },
  medium: { file: 'trn_frame/model.onnx', scale: 0.7, weight: 0.5, own: 0.5 },
  high: { file: 'trn_frame_high/model.onnx', scale: 0.5, weight: 1, own: 1 },
};

function strengthsPack(): string {
  const dir = brokenPack(TINY, () => undefined);
  const indexFile = join(dir, 'model_index.json');
  const index = JSON.parse(readFileSync(indexFile, 'utf8')) as Record<string, Record<string, unknown>>;
  for (const [level, t] of Object.entries(TABLE)) {
    const bytes = centreLookTimes(RADIUS, t.scale);
    mkdirSync(join(dir, t.file, '..'), { recursive: true });
    writeFileSync(join(dir, t.file), bytes);
    index.files[t.file] = createHash('sha256').update(bytes).digest('hex');
    if (level !== 'medium') index.components[`trn_frame_${level}`] = t.file;
  }
  index.components.trn_frame = TABLE.medium.file;
  index.trn_frame = {
    radius: RADIUS,
    strengths: Object.fromEntries(
      Object.entries(TABLE).map(([l, t]) => [l, { component: t.file, weight: t.weight, own_noise_removed: t.own }]),
    ),
  };
  writeFileSync(indexFile, JSON.stringify(index, null, 2));
  return dir;
}

// Soft-tissue-like values with texture, all inside the CT window (no pass-through).
const frames = Array.from({ length: 3 }, (_, i) =>
  Float32Array.from({ length: SIZE * SIZE }, (_, p) => 40 + 3 * i + 200 * Math.sin(p * 0.37 + i)),
);

describe('per-strength per-frame TRN (trn_frame.strengths)', () => {
  let dir: string;
  beforeAll(() => {
    dir = strengthsPack();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads one graph per strength and restores each strength with its own graph and weight', async () => {
    const pack = asGsdiff(await loadPack(dir, { device: 'cpu', logger }));
    try {
      const by = pack.trnFrame?.byStrength;
      expect(by?.medium.session).toBe(pack.trnFrame?.session); // the shared file is one session
      expect(by?.low.session).not.toBe(by?.high.session);
      expect([by?.low.weight, by?.medium.ownNoiseRemoved, by?.high.ownNoiseRemoved]).toEqual([1, 0.5, 1]);
      const { low_hu: lo, high_hu: hi } = pack.index.mapping.ct;
      const centre = (lo + hi) / 2;
      const src: SeriesSource = { kind: 'ct', count: 3, height: SIZE, width: SIZE, frame: async (i) => frames[i] };
      for (const level of ['low', 'medium', 'high'] as const) {
        const action = strengthAction(pack, level);
        expect(action).toEqual({ level, weight: TABLE[level].weight, ownNoiseRemoved: TABLE[level].own });
        const out: Float32Array[] = [];
        for await (const ev of restoreSeries(pack, src, {
          noise: (n) => new Float32Array(n),
          header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
          degradation: 'low-dose CT noise',
          strength: level,
          branches: 'trn-only', // V_r = T(V_d): the change is the TRN graph's alone
          skipAir: false,
        }))
          if (ev.type === 'frame') out[ev.index] = ev.values as Float32Array;
        // least-squares slope of the change against (HU - centre): w (c - 1) for the graph and weight used
        let num = 0;
        let den = 0;
        frames.forEach((f, i) =>
          f.forEach((hu, p) => {
            num += (out[i][p] - hu) * (hu - centre);
            den += (hu - centre) ** 2;
          }),
        );
        expect(num / den).toBeCloseTo(TABLE[level].weight * (TABLE[level].scale - 1), 4);
      }
    } finally {
      await pack.release();
    }
  }, 120_000);

  it('signs and contract-checks each strength graph: a broken one is named', async () => {
    const bad = brokenPack(dir, (d, resign) => {
      writeFileSync(join(d, TABLE.high.file), centreLookTimes(RADIUS + 1, 0.5)); // 15 looks channels, not 9
      resign(TABLE.high.file);
    });
    try {
      await expect(loadPack(bad, { device: 'cpu', logger })).rejects.toMatchObject({
        code: 'MODEL_ERR_PACK_CONTRACT',
        message: expect.stringContaining('component trn_frame_high: "looks" has shape') as unknown,
      });
      // an unsigned change is refused before any session is made
      writeFileSync(join(bad, TABLE.low.file), centreLookTimes(RADIUS, 0.1));
      await expect(loadPack(bad, { device: 'cpu', logger })).rejects.toMatchObject({ code: 'MODEL_ERR_PACK_FILE' });
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  }, 60_000);
});
