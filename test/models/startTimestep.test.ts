import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import {
  estimateWindowNoise,
  loadPack,
  matchedTimestep,
  restoreSeries,
  type RestoreOptions,
  type SeriesSource,
} from '../../models/index.js';
import { createDdimSchedule } from '../../models/scheduler/index.js';
import { TINY_PACK } from './helpers/golden.js';
import { packWithDefaults } from './helpers/packs.js';

// Issue "Step 12", 1b: one step from the start timestep matched to the window's noise (defaults.start_timestep
// 'matched'), and the ablation switch (RestoreOptions.branches).
const logger = createLogger('silent');
const SIZE = 32;

const withDefaults = (extra: Record<string, unknown>): string => packWithDefaults(TINY_PACK, extra);

/** 9 HU frames: a soft-tissue pattern that changes linearly along z, plus a deterministic +-amp HU texture. */
function series(amp: number): Float32Array[] {
  return Array.from({ length: 9 }, (_, i) =>
    Float32Array.from(
      { length: SIZE * SIZE },
      (_, p) => 40 + (p % 7) * 3 + 2 * i + amp * Math.sin(p * 12.9898 + i * 78.233) * 1.7,
    ),
  );
}

async function restoreOnce(
  dir: string,
  frames: Float32Array[],
  o: Partial<RestoreOptions> = {},
): Promise<Float32Array> {
  const pack = await loadPack(dir, { device: 'cpu', logger });
  const src: SeriesSource = { kind: 'ct', count: 9, height: SIZE, width: SIZE, frame: async (i) => frames[i] };
  try {
    for await (const ev of restoreSeries(pack, src, {
      noise: (n) => new Float32Array(n).fill(0.3),
      header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
      degradation: 'low-dose CT noise',
      steps: 10,
      strength: 'high',
      skipAir: false,
      ...o,
    })) {
      if (ev.type === 'frame' && ev.index === 4) return ev.values as Float32Array;
    }
    throw new Error('no frame 4');
  } finally {
    await pack.release();
  }
}

describe('defaults.start_timestep and the ablation branches', () => {
  const dirs: string[] = [];
  const pack = (extra: Record<string, unknown>): string => {
    const dir = withDefaults(extra);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("'matched' runs one step from the timestep matched to the window's estimated noise", async () => {
    const dir = pack({ start_noise: 0, start_timestep: 'matched', start_t_max: 25 });
    const index = JSON.parse(readFileSync(join(dir, 'model_index.json'), 'utf8'));
    const schedule = createDdimSchedule(JSON.parse(readFileSync(join(dir, index.scheduler), 'utf8')));
    const { low_hu: low, high_hu: high } = index.mapping.ct;
    for (const [amp, expectAbove1] of [
      [0, false],
      [600, true],
    ] as const) {
      const frames = series(amp);
      const model = frames.map((f) => {
        const m = new Float32Array(3 * f.length);
        f.forEach((v, p) => {
          const x = Math.fround(((Math.min(high, Math.max(low, v)) - low) / (high - low)) * 2 - 1);
          m[p] = m[f.length + p] = m[2 * f.length + p] = x;
        });
        return m;
      });
      const t = matchedTimestep(schedule, estimateWindowNoise(model, SIZE, SIZE), 1 / index.latent.scaling_factor, 25);
      expect(t > 1).toBe(expectAbove1);
      const matched = await restoreOnce(dir, frames);
      const explicit = await restoreOnce(dir, frames, { startTimestep: t });
      expect(Array.from(matched)).toEqual(Array.from(explicit));
      if (expectAbove1) {
        const atOne = await restoreOnce(dir, frames, { startTimestep: 1 });
        expect(Array.from(matched)).not.toEqual(Array.from(atOne));
      }
    }
  });

  it("branches: 'trn-only' needs no diffusion (independent of the noise drawn), and the three rows differ", async () => {
    const dir = pack({ start_noise: 1, strength: 0.5 });
    const frames = series(600);
    const trnA = await restoreOnce(dir, frames, { branches: 'trn-only', noise: (n) => new Float32Array(n).fill(0.7) });
    const trnB = await restoreOnce(dir, frames, { branches: 'trn-only', noise: (n) => new Float32Array(n).fill(-1.3) });
    expect(Array.from(trnA)).toEqual(Array.from(trnB));
    const full = await restoreOnce(dir, frames);
    const diffusion = await restoreOnce(dir, frames, { branches: 'diffusion-only' });
    expect(Array.from(full)).not.toEqual(Array.from(trnA));
    expect(Array.from(diffusion)).not.toEqual(Array.from(full));
    expect(Array.from(diffusion)).not.toEqual(Array.from(trnA));
  });

  it('a number runs one step from that timestep, as the startTimestep option does', async () => {
    const dir = pack({ start_noise: 0, start_timestep: 3 });
    const other = pack({ start_noise: 0 });
    const frames = series(600);
    expect(Array.from(await restoreOnce(dir, frames))).toEqual(
      Array.from(await restoreOnce(other, frames, { startTimestep: 3 })),
    );
  });

  it('a start_timestep other than "matched" or an integer is refused, naming the field', async () => {
    const dir = pack({ start_timestep: 'sometimes' });
    const zero = pack({ start_timestep: 0 });
    await expect(loadPack(zero, { device: 'cpu', logger })).rejects.toMatchObject({ code: 'MODEL_ERR_PACK_INDEX' });
    await expect(loadPack(dir, { device: 'cpu', logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_INDEX',
      message: expect.stringContaining('defaults.start_timestep'),
    });
  });
});
