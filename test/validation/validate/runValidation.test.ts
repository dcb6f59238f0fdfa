import { createLogger } from '../../../common/index.js';
import { createRng, HU_WINDOWS, psnr, runValidation, type ValidationSeries } from '../../../validation/index.js';
import { discPhantom as phantom, PHANTOM_SIZE as N, phantomSeries as series } from '../helpers/discPhantom.js';

// A 96x96 disc phantom (muscle 40 HU, a fat insert -100 HU, air outside) over 6 slices: the clean series is the
// reference, the noisy one (white noise SD 30 HU) the input. Everything runs through the real runtime and packs.
const K = 6;
const logger = createLogger('silent');

const clean = Array.from({ length: K }, () => phantom());
const rng = createRng(11);
const noisy = clean.map((f) => f.map((v) => (v > -1000 ? v + 30 * rng.normal() : v)));

describe('runValidation', () => {
  it('runs the input, identity and bilateral packs side by side, paired, with figures from validation/metrics', async () => {
    const r = await runValidation({
      reference: series('clean', clean),
      input: series('noisy', noisy),
      seed: 1,
      methods: [
        { name: 'identity', kind: 'pack', pack: 'models/packs/identity' },
        { name: 'bilateral', kind: 'pack', pack: 'models/packs/bilateral' },
      ],
      device: 'cpu',
      npsRoiSize: 16,
      logger,
    });
    expect(r.mode).toBe('paired');
    expect(r.methods.map((m) => m.name)).toEqual(['input', 'identity', 'bilateral']);
    const [input, identity, bilateral] = r.methods;
    // The runtime is transparent for identity: every figure equals the input's.
    expect(identity.summary.psnr).toEqual(input.summary.psnr);
    expect(identity.summary.noiseSd).toBe(input.summary.noiseSd);
    expect(identity.pack?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(identity.pack?.sha256).not.toBe(bilateral.pack?.sha256);
    // Per-slice PSNR is the metric's own value on the same frames.
    const fov = Uint8Array.from(clean[2], (v) => (v > -1500 ? 1 : 0));
    expect(input.rows[2].psnr.metric).toBeCloseTo(psnr(clean[2], noisy[2], HU_WINDOWS.metric, fov), 10);
    // Pooled PSNR, computed here from the pixels: both clamped to [-160, 240], MSE over every pixel of every slice.
    const clamp = (v: number): number => Math.min(240, Math.max(-160, v));
    let se = 0;
    clean.forEach((c, k) => c.forEach((v, i) => (se += (clamp(noisy[k][i]) - clamp(v)) ** 2)));
    expect(input.summary.psnrPooled.metric).toBeCloseTo(10 * Math.log10(400 ** 2 / (se / (K * N * N))), 6);
    expect(input.summary.psnrPooled.metric).toBeLessThanOrEqual(input.summary.psnr.metric + 1e-9); // Jensen
    // Noise: ~30 HU in the input, clearly lower after the bilateral filter; PSNR and flicker improve.
    expect(input.summary.noiseSd).toBeGreaterThan(25);
    expect(input.summary.noiseSd).toBeLessThan(35);
    expect(bilateral.summary.noiseSd).toBeLessThan(0.7 * input.summary.noiseSd);
    expect(bilateral.summary.psnr.metric).toBeGreaterThan(input.summary.psnr.metric + 2);
    expect(bilateral.summary.flicker).toBeLessThan(input.summary.flicker);
    // Residual-noise NPS of white noise: variance ≈ 30² for the input.
    expect(input.summary.nps?.variance).toBeGreaterThan(0.8 * 900);
    expect(input.summary.nps?.variance).toBeLessThan(1.2 * 900);
    // CNR between the fat insert and muscle: placed automatically, same ROIs for every method.
    expect(input.summary.cnr).toBeGreaterThan(2);
    expect(bilateral.summary.cnr).toBeGreaterThan(input.summary.cnr);
    expect(r.strips).toHaveLength(1);
    expect([...r.strips[0].outputs.keys()]).toEqual(['input', 'identity', 'bilateral']);
    expect(r.strips[0].reference).toBeDefined();
  });

  it('simulates the input from the reference in the projection domain, reproducibly by seed', async () => {
    const run = (seed: number) =>
      runValidation({
        reference: series('clean', clean.slice(0, 3)),
        simulateDose: 0.1,
        seed,
        methods: [],
        device: 'cpu',
        npsRoiSize: 16,
        logger,
      });
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(a.input.simulatedDose).toBe(0.1);
    expect(a.methods[0].summary.psnr.metric).toBe(b.methods[0].summary.psnr.metric);
    expect(a.methods[0].summary.psnr.metric).not.toBe(c.methods[0].summary.psnr.metric);
    expect(a.methods[0].summary.noiseSd).toBeGreaterThan(1);
  });

  it('measures a real input without a reference (no-reference mode)', async () => {
    const r = await runValidation({
      input: series('noisy', noisy),
      seed: 1,
      methods: [{ name: 'bilateral', kind: 'pack', pack: 'models/packs/bilateral' }],
      device: 'cpu',
      npsRoiSize: 16,
      logger,
    });
    expect(r.mode).toBe('no-reference');
    const [input, bilateral] = r.methods;
    expect(Number.isNaN(input.summary.psnr.metric)).toBe(true);
    expect(bilateral.summary.noiseSd).toBeLessThan(input.summary.noiseSd);
    // Temporal difference energy of independent noise ≈ sqrt(2)·30 in the metric window.
    expect(input.summary.flicker).toBeGreaterThan(30);
    expect(bilateral.summary.flicker).toBeLessThan(input.summary.flicker);
    expect(input.summary.nps?.peakFrequency).toBeGreaterThan(0);
  });

  it('refuses series that do not match, naming them', async () => {
    await expect(
      runValidation({
        reference: series('clean', clean),
        input: series('short', noisy.slice(0, 4)),
        seed: 1,
        methods: [],
        device: 'cpu',
        logger,
      }),
    ).rejects.toMatchObject({ code: 'VAL_ERR_SIZE_MISMATCH', message: expect.stringContaining('short') });
    await expect(runValidation({ seed: 1, methods: [], device: 'cpu', logger })).rejects.toMatchObject({
      code: 'VAL_ERR_BAD_OPTION',
    });
  });
});

describe('runValidation slice matching', () => {
  it('refuses a restored series whose slices lie elsewhere, naming the frame and positions', async () => {
    const at = (label: string, z: number[]): ValidationSeries => ({
      ...series(label, clean.slice(0, 3)),
      positions: z,
    });
    await expect(
      runValidation({
        reference: at('reference', [0, 2, 4]),
        input: at('input', [0, 2, 4]),
        seed: 1,
        methods: [{ name: 'shifted', kind: 'series', series: at('derived', [0, 2, 6]) }],
        device: 'cpu',
        logger,
      }),
    ).rejects.toMatchObject({
      code: 'VAL_ERR_SIZE_MISMATCH',
      message: expect.stringContaining('derived: frame 3 lies at 6.00 mm along the normal: expected 4.00 mm'),
    });
  });
});
