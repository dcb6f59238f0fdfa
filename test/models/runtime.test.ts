import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, type LoadedPack, type RestoreEvent, type SeriesSource } from '../../models/index.js';
import { TINY_PACK } from './helpers/golden.js';

const logger = createLogger('silent');

describe('execution providers', () => {
  it('refuses cuda with the reason instead of falling back', async () => {
    await expect(loadPack(TINY_PACK, { device: 'cuda', logger })).rejects.toMatchObject({
      code: 'MODEL_ERR_DEVICE_UNAVAILABLE',
      message: expect.stringContaining(
        'device cuda is not available: onnxruntime-node ships without its CUDA libraries',
      ),
    });
  });

  it('runs webgpu only where an adapter exists, else says so', async () => {
    try {
      const pack = await loadPack(TINY_PACK, { device: 'webgpu', logger });
      expect(pack.device).toBe('webgpu');
      await pack.release();
    } catch (e) {
      expect(e).toMatchObject({
        code: 'MODEL_ERR_DEVICE_UNAVAILABLE',
        message: expect.stringContaining('device webgpu is not available'),
      });
    }
  });

  it('auto picks the best device that loads', async () => {
    const pack = await loadPack(TINY_PACK, { device: 'auto', logger });
    expect(['webgpu', 'cpu']).toContain(pack.device);
    await pack.release();
  });
});

describe('restoreSeries streaming', () => {
  let pack: LoadedPack;
  beforeAll(async () => {
    pack = await loadPack(TINY_PACK, { device: 'cpu', logger });
  });
  afterAll(() => pack.release());

  const N = 20;
  const source = (): SeriesSource => ({
    kind: 'ct',
    count: N,
    height: 32,
    width: 32,
    frame: async (i) => Float32Array.from({ length: 1024 }, (_, j) => 40 + 30 * Math.sin(i / 3 + j / 40)),
  });
  const header = { modality: 'CT', samplesPerPixel: 1, acquisition: { ctdiVol: 2 } };

  it('yields every frame once, in order, before later windows have run', async () => {
    let noiseCalls = 0;
    const seen: { index: number; callsSoFar: number }[] = [];
    let windows = 0;
    for await (const e of restoreSeries(pack, source(), {
      noise: (n) => (noiseCalls++, new Float32Array(n)),
      steps: 2,
      header,
    })) {
      if (e.type === 'frame') seen.push({ index: e.index, callsSoFar: noiseCalls });
      if (e.type === 'done') windows = e.windows;
    }
    expect(seen.map((s) => s.index)).toEqual(Array.from({ length: N }, (_, i) => i));
    // With eta 0 and strength 1 there is one noise draw per window: the first frame left after the first window.
    expect(windows).toBeGreaterThan(2);
    expect(seen[0].callsSoFar).toBe(1);
    expect(seen[N - 1].callsSoFar).toBe(windows);
  });

  it('stops mid-series when cancelled', async () => {
    const ac = new AbortController();
    const got: RestoreEvent[] = [];
    const run = async (): Promise<void> => {
      for await (const e of restoreSeries(pack, source(), {
        noise: (n) => new Float32Array(n),
        steps: 2,
        header,
        signal: ac.signal,
      })) {
        got.push(e);
        if (e.type === 'frame') ac.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'MODEL_ERR_CANCELLED' });
    const frames = got.filter((e) => e.type === 'frame').length;
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(N);
  });
});
