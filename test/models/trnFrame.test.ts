import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, type RestoreOptions, type SeriesSource } from '../../models/index.js';
import { mirrorIndex } from '../../models/pipeline/refineFrame.js';

// The per-frame TRN (model_index trn_frame): T(V_d) once per whole frame with the series' true neighbours, the
// tile-windows giving only the diffusion branch's correction. Against the window graph it must change nothing where
// both see the same looks, and a frame must never look across a scene cut.
const logger = createLogger('silent');
const PACK = 'models/packs/gsdiff-t'; // the shipped default has the per-frame TRN
const SIZE = 64; // one tile: no tile seams, so the two paths see exactly the same pixels

function series(count: number, seed: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) =>
    Float32Array.from(
      { length: SIZE * SIZE },
      (_, p) =>
        40 +
        (p % SIZE > 20 && p % SIZE < 44 ? 60 : 0) +
        3 * i +
        25 * Math.sin(p * 12.9898 + i * 78.233 + seed) * Math.cos(p * 4.1414 + seed),
    ),
  );
}

async function restoreAll(frames: Float32Array[], o: Partial<RestoreOptions>): Promise<Float32Array[]> {
  const pack = await loadPack(PACK, { device: 'cpu', logger });
  const src: SeriesSource = {
    kind: 'ct',
    count: frames.length,
    height: SIZE,
    width: SIZE,
    frame: async (i) => frames[i],
  };
  const out: Float32Array[] = [];
  try {
    if (pack.kind !== 'gsdiff' || !pack.trnFrame) throw new Error(`${PACK}: expected a GSDiff pack with trn_frame`);
    for await (const ev of restoreSeries(pack, src, {
      noise: (n) => new Float32Array(n).fill(0.1),
      header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
      degradation: 'low-dose CT noise',
      // low: the per-frame graph of that strength is the window graph's mix (own noise removed 0, weight 1), so the two
      // paths run the same network (models/README.md "Strength")
      strength: 'low',
      skipAir: false,
      ...o,
    })) {
      if (ev.type === 'frame') out[ev.index] = ev.values as Float32Array;
    }
    return out;
  } finally {
    await pack.release();
  }
}

const maxAbsDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('per-frame TRN', () => {
  it('mirrors looks at the series ends without repeating the end frame', () => {
    expect([-2, -1, 0, 4, 5, 6].map((i) => mirrorIndex(i, 5))).toEqual([2, 1, 0, 4, 3, 2]);
    expect([-2, -1, 2, 3].map((i) => mirrorIndex(i, 2))).toEqual([0, 1, 0, 1]);
    expect(mirrorIndex(-2, 1)).toBe(0);
  });

  it('equals the window graph on a one-window series (the same looks), full pipeline', async () => {
    const frames = series(9, 1);
    const perFrame = await restoreAll(frames, {});
    const perWindow = await restoreAll(frames, { trnPerFrame: false });
    for (let i = 0; i < 9; i++) expect(maxAbsDiff(perFrame[i], perWindow[i])).toBeLessThan(0.05);
    // and it restores: the output is not the input
    expect(maxAbsDiff(perFrame[4], frames[4])).toBeGreaterThan(1);
  }, 120_000);

  it('sees the true neighbours where a window graph mirrored them, and never across a scene cut', async () => {
    const frames = series(14, 2);
    const perFrame = await restoreAll(frames, { branches: 'trn-only' });
    const perWindow = await restoreAll(frames, { branches: 'trn-only', trnPerFrame: false });
    // windows of 9 at stride 6 end at frame 8: frame 8 had mirrored looks in the first window
    expect(maxAbsDiff(perFrame[8], perWindow[8])).toBeGreaterThan(0.1);
    // a cut before frame 7: frames 0-6 do not depend on what comes after it
    const changed = frames.map((f, i) => (i < 7 ? f : f.map((v) => v + 300)));
    const a = await restoreAll(frames, { branches: 'trn-only', segmentStarts: [7] });
    const b = await restoreAll(changed, { branches: 'trn-only', segmentStarts: [7] });
    for (let i = 0; i < 7; i++) expect(maxAbsDiff(a[i], b[i])).toBe(0);
    expect(maxAbsDiff(a[7], b[7])).toBeGreaterThan(100);
  }, 120_000);
});
