import { rmSync } from 'node:fs';
import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, type SeriesSource } from '../../models/index.js';
import { TINY_PACK } from './helpers/golden.js';
import { packWithDefaults } from './helpers/packs.js';

// defaults.start_noise (ours): 0 makes an img2img start deterministic (z_t = sqrt(abar_t) f_d), 1 is diffusers'.
const logger = createLogger('silent');

const withDefaults = (extra: Record<string, unknown>): string => packWithDefaults(TINY_PACK, extra);

async function restoreOnce(dir: string, noiseValue: number): Promise<Float32Array> {
  const pack = await loadPack(dir, { device: 'cpu', logger });
  const frames = Array.from({ length: 9 }, (_, i) =>
    Float32Array.from({ length: 32 * 32 }, (_, p) => 30 + ((p + i) % 17)),
  );
  const src: SeriesSource = { kind: 'ct', count: 9, height: 32, width: 32, frame: async (i) => frames[i] };
  try {
    for await (const ev of restoreSeries(pack, src, {
      noise: (n) => new Float32Array(n).fill(noiseValue),
      header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
      degradation: 'low-dose CT noise',
      steps: 4,
    })) {
      if (ev.type === 'frame' && ev.index === 4) return ev.values as Float32Array;
    }
    throw new Error('no frame 4');
  } finally {
    await pack.release();
  }
}

describe('defaults.start_noise', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('0: the img2img start draws no noise, so the result does not depend on the noise source', async () => {
    const dir = withDefaults({ strength: 0.5, start_noise: 0 });
    dirs.push(dir);
    const a = await restoreOnce(dir, 0.7);
    const b = await restoreOnce(dir, -1.3);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('absent: 1, the noise enters as in diffusers (results differ with the noise)', async () => {
    const dir = withDefaults({ strength: 0.5 });
    dirs.push(dir);
    const a = await restoreOnce(dir, 0.7);
    const b = await restoreOnce(dir, -1.3);
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('out of range: the index is refused, naming the field', async () => {
    const dir = withDefaults({ start_noise: 2 });
    dirs.push(dir);
    await expect(loadPack(dir, { device: 'cpu', logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_INDEX',
      message: expect.stringContaining('defaults.start_noise'),
    });
  });
});
