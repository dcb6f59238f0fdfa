import { createLogger } from '../../common/index.js';
import {
  loadPack,
  restoreSeries,
  type LoadedPack,
  type RestoreOptions,
  type SeriesSource,
  type Strength,
} from '../../models/index.js';
import { TINY_PACK } from './helpers/golden.js';
import { DENOISER_PACK } from './helpers/packs.js';

const logger = createLogger('silent');
const header = { modality: 'CT', samplesPerPixel: 1, acquisition: {} };

async function run(
  pack: LoadedPack,
  src: SeriesSource,
  strength: Strength | undefined,
  extra: Partial<RestoreOptions> = {},
): Promise<(Float32Array | Uint8Array)[]> {
  const out: (Float32Array | Uint8Array)[] = [];
  for await (const ev of restoreSeries(pack, src, {
    noise: (n) => new Float32Array(n).fill(0.1),
    header,
    ...(strength ? { strength } : {}),
    ...extra,
    logger,
  }))
    if (ev.type === 'frame') out[ev.index] = ev.values;
  return out;
}

/** max |(out_w − in) − w (out_high − in)| over every value, and whether any value changed at all. */
function blendError(
  input: ArrayLike<number>,
  high: ArrayLike<number>,
  got: ArrayLike<number>,
  w: number,
): { worst: number; changed: boolean } {
  let worst = 0;
  let changed = false;
  for (let i = 0; i < input.length; i++) {
    if (high[i] !== input[i]) changed = true;
    worst = Math.max(worst, Math.abs(got[i] - input[i] - w * (high[i] - input[i])));
  }
  return { worst, changed };
}

describe('restoreSeries strength (blend with the input after the whole pipeline)', () => {
  const S = 80;
  const N = 3;
  const slice = (z: number): Float32Array =>
    Float32Array.from({ length: S * S }, (_, j) => {
      const x = (j % S) - 40;
      const y = Math.floor(j / S) - 40;
      if (x * x + y * y > 37 * 37) return -3024; // outside the reconstruction circle: passed through
      return 40 + 300 * Math.sin(x / 6 + z) * Math.cos(y / 9) + ((j * 7919 + z * 104729) % 61) - 30;
    });
  const ct: SeriesSource = { kind: 'ct', count: N, height: S, width: S, frame: async (i) => slice(i) };

  it('denoiser pack, CT: high is the unblended output, low keeps half the change, medium (default) three quarters', async () => {
    const pack = await loadPack(DENOISER_PACK, { device: 'cpu', logger });
    try {
      const high = (await run(pack, ct, 'high')) as Float32Array[];
      const low = (await run(pack, ct, 'low')) as Float32Array[];
      const medium = (await run(pack, ct, undefined)) as Float32Array[];
      for (let z = 0; z < N; z++) {
        const input = slice(z);
        const a = blendError(input, high[z], low[z], 0.5);
        const b = blendError(input, high[z], medium[z], 0.75);
        expect(a.changed).toBe(true);
        // float32 HU (values up to ~400): a few ulps
        expect(a.worst).toBeLessThan(1e-3);
        expect(b.worst).toBeLessThan(1e-3);
        expect(low[z][0]).toBe(-3024);
        expect(medium[z][0]).toBe(-3024);
      }
    } finally {
      await pack.release();
    }
  });

  it('denoiser pack, RGB: the blend of the rounded output with the input, rounded and within 0..255', async () => {
    const pack = await loadPack(DENOISER_PACK, { device: 'cpu', logger });
    const H = 40;
    const W = 48;
    const rgb = (f: number): Uint8Array => Uint8Array.from({ length: H * W * 3 }, (_, j) => (j * 7 + f * 13) % 256);
    const src: SeriesSource = { kind: 'rgb', count: 2, height: H, width: W, frame: async (i) => rgb(i) };
    try {
      const high = (await run(pack, src, 'high')) as Uint8Array[];
      const low = (await run(pack, src, 'low')) as Uint8Array[];
      for (let f = 0; f < 2; f++) {
        expect(low[f]).toBeInstanceOf(Uint8Array);
        const input = rgb(f);
        const want = Uint8Array.from(input, (v, i) => Math.round(v + 0.5 * (high[f][i] - v)));
        expect(Buffer.from(low[f]).equals(Buffer.from(want))).toBe(true);
        expect(blendError(input, high[f], low[f], 0.5).changed).toBe(true);
      }
    } finally {
      await pack.release();
    }
  });

  it('GSDiff pack: the same blend after the TRN, air tiles still passed through exactly', async () => {
    const pack = await loadPack(TINY_PACK, { device: 'cpu', logger });
    // 32x32 tiles, overlap 8: the left column of tiles is all air (x < 24 is covered by air tiles only).
    const H = 96;
    const frames = Array.from({ length: 9 }, (_, i) =>
      Float32Array.from({ length: H * H }, (_, j) =>
        j % H < 60 ? -1000 + ((j * 31 + i) % 7) : 40 + 30 * Math.sin(j / 50 + i),
      ),
    );
    const src: SeriesSource = { kind: 'ct', count: 9, height: H, width: H, frame: async (i) => frames[i] };
    const opts = { steps: 1, degradation: 'low-dose CT noise' };
    try {
      const high = (await run(pack, src, 'high', opts)) as Float32Array[];
      const low = (await run(pack, src, 'low', opts)) as Float32Array[];
      for (let i = 0; i < 9; i++) {
        const e = blendError(frames[i], high[i], low[i], 0.5);
        expect(e.changed).toBe(true);
        expect(e.worst).toBeLessThan(1e-3);
        for (let y = 0; y < H; y++) for (let x = 0; x < 24; x++) expect(low[i][y * H + x]).toBe(frames[i][y * H + x]);
      }
    } finally {
      await pack.release();
    }
  }, 120_000);

  it('refuses an unknown strength before any work, naming the option and the allowed values', async () => {
    for (const dir of [DENOISER_PACK, TINY_PACK]) {
      const pack = await loadPack(dir, { device: 'cpu', logger });
      let fetched = 0;
      const src: SeriesSource = { ...ct, frame: async (i) => (fetched++, slice(i)) };
      try {
        await expect(run(pack, src, 'max' as Strength)).rejects.toMatchObject({
          code: 'MODEL_ERR_BAD_OPTION',
          message: 'restoreSeries: strength: expected low | medium | high, got "max"',
          details: { option: 'strength' },
        });
        expect(fetched).toBe(0);
      } finally {
        await pack.release();
      }
    }
  });
});
