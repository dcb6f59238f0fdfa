import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, type LoadedPack, type SeriesSource } from '../../models/index.js';
import { planSegmentWindows } from '../../models/tiling/index.js';
import { TINY_PACK } from './helpers/golden.js';

describe('restoreSeries with segmentStarts (windows never cross a capsule cut)', () => {
  let pack: LoadedPack;
  beforeAll(async () => {
    pack = await loadPack(TINY_PACK, { device: 'cpu', logger: createLogger('silent') });
  });
  afterAll(() => pack.release());

  it('runs the segmented plan and still yields every frame once, in order', async () => {
    if (pack.kind !== 'gsdiff') throw new Error('the tiny test pack is a GSDiff pack');
    const N = 14;
    const source: SeriesSource = {
      kind: 'ct',
      count: N,
      height: 32,
      width: 32,
      frame: async (i) => Float32Array.from({ length: 1024 }, (_, j) => 40 + 30 * Math.sin(i / 3 + j / 40)),
    };
    const k = pack.index.grid.rows * pack.index.grid.cols;
    const stride = Math.min(pack.index.defaults.window_stride, k);
    const seen: number[] = [];
    let windows = 0;
    for await (const e of restoreSeries(pack, source, {
      noise: (n) => new Float32Array(n),
      steps: 1,
      header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
      segmentStarts: [5],
    })) {
      if (e.type === 'frame') seen.push(e.index);
      if (e.type === 'done') windows = e.windows;
    }
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(windows).toBe(planSegmentWindows(N, k, stride, [5]).windows.length);
  }, 120_000);
});
