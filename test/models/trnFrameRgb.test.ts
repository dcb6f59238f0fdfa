import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import {
  defaultBranches,
  loadPack,
  restoreSeries,
  STRENGTH_WEIGHTS,
  strengthAction,
  type GsdiffPack,
  type SeriesSource,
  type Strength,
} from '../../models/index.js';
import { centreLookTimes } from './helpers/onnxGraph.js';
import { asGsdiff, brokenPack, rgbTrnPack } from './helpers/packs.js';

// A GSDiff pack with a per-frame TRN graph for RGB series (trn_frame.rgb): RGB series must run it, at its own radius
// and with its own weight per strength; CT series the CT graph with the global blend, as before. The graphs scale the
// centre look by different constants, so the change a run makes tells which graph and which weight it used.
const logger = createLogger('silent');
const TINY = join(process.cwd(), 'models/packs/tiny-test');
const SIZE = 32; // the tiny pack's tile
const CT = { file: 'trn_frame/model.onnx', radius: 1, scale: 0.7 };
/** A different radius from the CT graph's: a graph fed the other radius's looks would fail in onnxruntime. */
const RGB = { file: 'trn_frame_rgb/model.onnx', radius: 2, scale: 0.5 };
const RGB_WEIGHTS: Record<Strength, number> = { low: 0.4, medium: 0.8, high: 1 };

// Soft-tissue-like values with texture, all inside the CT window (no pass-through).
const ctFrames = Array.from({ length: 3 }, (_, i) =>
  Float32Array.from({ length: SIZE * SIZE }, (_, p) => 40 + 3 * i + 200 * Math.sin(p * 0.37 + i)),
);
// Colour frames away from 0 and 255, so no change is clamped.
const rgbFrames = Array.from({ length: 3 }, (_, i) =>
  Uint8Array.from({ length: SIZE * SIZE * 3 }, (_, p) => Math.round(128 + 90 * Math.sin(p * 0.29 + i))),
);

/**
 * Restores the series with only the TRN (V_r = T(V_d)) and returns the least-squares slope of the change against
 * the value's distance from the mapping's zero: w (c - 1) for the graph constant c and blend weight w that ran.
 */
async function changeSlope(pack: GsdiffPack, kind: 'ct' | 'rgb', strength: Strength): Promise<number> {
  const { low_hu: lo, high_hu: hi } = pack.index.mapping.ct;
  const { scale, offset } = pack.index.mapping.rgb;
  const zero = kind === 'ct' ? (lo + hi) / 2 : -offset * scale;
  const input: ArrayLike<number>[] = kind === 'ct' ? ctFrames : rgbFrames;
  const src: SeriesSource =
    kind === 'ct'
      ? { kind, count: 3, height: SIZE, width: SIZE, frame: async (i) => ctFrames[i] }
      : { kind, count: 3, height: SIZE, width: SIZE, frame: async (i) => rgbFrames[i] };
  const out: ArrayLike<number>[] = [];
  for await (const ev of restoreSeries(pack, src, {
    noise: (n) => new Float32Array(n),
    header:
      kind === 'ct'
        ? { modality: 'CT', samplesPerPixel: 1, acquisition: {} }
        : { modality: 'ES', samplesPerPixel: 3, acquisition: {} },
    degradation: kind === 'ct' ? 'low-dose CT noise' : 'motion blur',
    strength,
    branches: 'trn-only', // the change is the TRN graph's alone
    skipAir: false,
  }))
    if (ev.type === 'frame') out[ev.index] = ev.values;
  let num = 0;
  let den = 0;
  input.forEach((f, i) => {
    for (let p = 0; p < f.length; p++) {
      num += (out[i][p] - f[p]) * (f[p] - zero);
      den += (f[p] - zero) ** 2;
    }
  });
  return num / den;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy of the pack at `from` whose index `trn_frame` is changed by `edit` (the copy is signed as before). */
function editedTrnFrame(from: string, edit: (trnFrame: Json) => void): string {
  return brokenPack(from, (d) => {
    const file = join(d, 'model_index.json');
    const index = JSON.parse(readFileSync(file, 'utf8')) as { trn_frame: Json };
    edit(index.trn_frame);
    writeFileSync(file, JSON.stringify(index));
  });
}

/** Every restored frame of the series, concatenated; `branches` undefined leaves the choice to the pack. */
async function restoreAll(pack: GsdiffPack, kind: 'ct' | 'rgb', branches?: 'full' | 'trn-only'): Promise<number[]> {
  const src: SeriesSource =
    kind === 'ct'
      ? { kind, count: 3, height: SIZE, width: SIZE, frame: async (i) => ctFrames[i] }
      : { kind, count: 3, height: SIZE, width: SIZE, frame: async (i) => rgbFrames[i] };
  const out: number[][] = [];
  for await (const ev of restoreSeries(pack, src, {
    noise: (n) => new Float32Array(n),
    header:
      kind === 'ct'
        ? { modality: 'CT', samplesPerPixel: 1, acquisition: {} }
        : { modality: 'ES', samplesPerPixel: 3, acquisition: {} },
    degradation: kind === 'ct' ? 'low-dose CT noise' : 'motion blur',
    skipAir: false,
    ...(branches ? { branches } : {}),
  }))
    if (ev.type === 'frame') out[ev.index] = Array.from(ev.values);
  return out.flat();
}

describe('per-frame TRN for RGB series (trn_frame.rgb)', () => {
  let dir: string;
  let plainDir: string;
  beforeAll(() => {
    dir = rgbTrnPack(TINY, CT, { ...RGB, weights: RGB_WEIGHTS });
    plainDir = rgbTrnPack(TINY, CT);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(plainDir, { recursive: true, force: true });
  });

  it('runs the RGB graph with its weights on RGB series, and the CT graph with the global blend on CT', async () => {
    const pack = asGsdiff(await loadPack(dir, { device: 'cpu', logger }));
    try {
      expect(pack.trnFrame?.rgb?.radius).toBe(RGB.radius);
      expect(pack.trnFrame?.rgb?.weights).toEqual(RGB_WEIGHTS);
      expect(pack.trnFrame?.rgb?.session).not.toBe(pack.trnFrame?.session);
      for (const level of ['low', 'medium', 'high'] as const) {
        expect(strengthAction(pack, level, 'rgb')).toEqual({ level, weight: RGB_WEIGHTS[level] });
        expect(strengthAction(pack, level, 'ct')).toEqual({ level, weight: STRENGTH_WEIGHTS[level] });
        // rounding to bytes twice (delta rule, blend) moves the RGB slope by well under 0.005
        expect(await changeSlope(pack, 'rgb', level)).toBeCloseTo(RGB_WEIGHTS[level] * (RGB.scale - 1), 2);
        expect(await changeSlope(pack, 'ct', level)).toBeCloseTo(STRENGTH_WEIGHTS[level] * (CT.scale - 1), 4);
      }
    } finally {
      await pack.release();
    }
  }, 120_000);

  it('with diffusion false, RGB series skip the diffusion branch unless asked; CT series keep it', async () => {
    const noDiffusion = editedTrnFrame(dir, (t) => (t.rgb.diffusion = false));
    try {
      const pack = asGsdiff(await loadPack(noDiffusion, { device: 'cpu', logger }));
      try {
        expect(pack.index.trn_frame?.rgb?.diffusion).toBe(false);
        const rgbDefault = await restoreAll(pack, 'rgb');
        expect(rgbDefault).toEqual(await restoreAll(pack, 'rgb', 'trn-only'));
        expect(rgbDefault).not.toEqual(await restoreAll(pack, 'rgb', 'full')); // the branch changes the tiny pack's output
        const ctDefault = await restoreAll(pack, 'ct');
        expect(ctDefault).toEqual(await restoreAll(pack, 'ct', 'full'));
        expect(ctDefault).not.toEqual(await restoreAll(pack, 'ct', 'trn-only'));
      } finally {
        await pack.release();
      }
      const withBranch = asGsdiff(await loadPack(dir, { device: 'cpu', logger }));
      try {
        expect(withBranch.index.trn_frame?.rgb?.diffusion).toBe(true); // absent: the branch runs, as before
        expect(await restoreAll(withBranch, 'rgb')).toEqual(await restoreAll(withBranch, 'rgb', 'full'));
      } finally {
        await withBranch.release();
      }
    } finally {
      rmSync(noDiffusion, { recursive: true, force: true });
    }
  }, 120_000);

  it('with trn_frame.diffusion false, CT series skip the diffusion branch unless asked; RGB series follow their own graph', async () => {
    const noCtDiffusion = editedTrnFrame(dir, (t) => (t.diffusion = false));
    try {
      const pack = asGsdiff(await loadPack(noCtDiffusion, { device: 'cpu', logger }));
      try {
        expect(defaultBranches(pack.index, 'ct')).toBe('trn-only');
        expect(defaultBranches(pack.index, 'rgb')).toBe('full'); // the RGB graph's own flag is absent: true
        const ctDefault = await restoreAll(pack, 'ct');
        expect(ctDefault).toEqual(await restoreAll(pack, 'ct', 'trn-only'));
        expect(ctDefault).not.toEqual(await restoreAll(pack, 'ct', 'full')); // --branches full keeps it selectable
        expect(await restoreAll(pack, 'rgb')).toEqual(await restoreAll(pack, 'rgb', 'full'));
      } finally {
        await pack.release();
      }
    } finally {
      rmSync(noCtDiffusion, { recursive: true, force: true });
    }
  }, 120_000);

  it('leaves RGB series of a pack without the entry on the CT graph and the global blend, as before', async () => {
    const pack = asGsdiff(await loadPack(plainDir, { device: 'cpu', logger }));
    try {
      expect(pack.trnFrame?.rgb).toBeUndefined();
      expect(await changeSlope(pack, 'rgb', 'medium')).toBeCloseTo(STRENGTH_WEIGHTS.medium * (CT.scale - 1), 2);
    } finally {
      await pack.release();
    }
  }, 60_000);

  it('shares the session when the RGB entry names the CT graph at the same radius', async () => {
    const shared = editedTrnFrame(plainDir, (t) => (t.rgb = { component: CT.file, radius: CT.radius }));
    try {
      const pack = asGsdiff(await loadPack(shared, { device: 'cpu', logger }));
      try {
        expect(pack.trnFrame?.rgb?.session).toBe(pack.trnFrame?.session);
        expect(pack.trnFrame?.rgb?.weights).toEqual({ low: 0.5, medium: 1, high: 1 }); // the defaults
        expect(await changeSlope(pack, 'rgb', 'low')).toBeCloseTo(0.5 * (CT.scale - 1), 2);
      } finally {
        await pack.release();
      }
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  }, 60_000);

  it('signs and contract-checks the RGB graph at its own radius: a broken one is named', async () => {
    const bad = brokenPack(dir, (d, resign) => {
      writeFileSync(join(d, RGB.file), centreLookTimes(RGB.radius + 1, 0.5)); // 21 looks channels, not 15
      resign(RGB.file);
    });
    // The CT graph's file at the RGB radius: checked again, though its session is shared.
    const sharedBad = editedTrnFrame(plainDir, (t) => (t.rgb = { component: CT.file, radius: RGB.radius }));
    try {
      for (const [d, channels] of [
        [bad, 21],
        [sharedBad, 9],
      ] as const)
        await expect(loadPack(d, { device: 'cpu', logger })).rejects.toMatchObject({
          code: 'MODEL_ERR_PACK_CONTRACT',
          message: expect.stringContaining(
            `component trn_frame_rgb: "looks" has shape [N, ${channels}, H, W]: expected 15 channels on axis 1 (radius 2)`,
          ) as unknown,
        });
      // an unsigned change is refused before any session is made
      writeFileSync(join(bad, RGB.file), centreLookTimes(RGB.radius, 0.1));
      await expect(loadPack(bad, { device: 'cpu', logger })).rejects.toMatchObject({ code: 'MODEL_ERR_PACK_FILE' });
    } finally {
      rmSync(bad, { recursive: true, force: true });
      rmSync(sharedBad, { recursive: true, force: true });
    }
  }, 60_000);
});
