import {
  createParallelBeamGeometry,
  fbp,
  forwardProject,
  huToMu,
  MU_WATER_PER_MM,
  simulateLowDose,
  simulateLowDoseSeries,
  type LowDoseOptions,
} from '../../validation/lowdose/index.js';
import { centralStats, difference, discImage } from './lowdose/testImages.js';

// 128 x 128 water cylinder of 200 mm diameter in air, 2 mm pixels: fast, and body-like line integrals (p <= 3.84).
const SIZE = 128;
const PIXEL_MM = 2;
const RADIUS_PX = 50;
const VIEWS = 256;
const water = discImage(SIZE, RADIUS_PX, 0, -1000);
const base: LowDoseOptions = {
  doseFraction: 0.25,
  pixelSizeMm: PIXEL_MM,
  seed: 1,
  mode: 'from-truth',
  viewCount: VIEWS,
};

describe('fbp(forwardProject(μ))', () => {
  it('reproduces a uniform disc in its interior: mean within 2 HU, RMS within 8 HU of 0 HU', () => {
    const geom = createParallelBeamGeometry(SIZE, PIXEL_MM, { viewCount: VIEWS });
    const mu = fbp(forwardProject(huToMu(water), geom), geom);
    const hu = mu.map((m) => 1000 * (m / MU_WATER_PER_MM - 1));
    const interior = centralStats(hu, SIZE, 0.8 * RADIUS_PX, 0);
    expect(Math.abs(interior.mean)).toBeLessThan(2);
    expect(interior.rms).toBeLessThan(8);
  });

  it('keeps absolute scale for a 1000 HU disc too (linearity in μ)', () => {
    const geom = createParallelBeamGeometry(SIZE, PIXEL_MM, { viewCount: VIEWS });
    const bone = discImage(SIZE, RADIUS_PX, 1000, -1000);
    const mu = fbp(forwardProject(huToMu(bone), geom), geom);
    const interior = centralStats(mu, SIZE, 0.8 * RADIUS_PX, 2 * MU_WATER_PER_MM);
    expect(Math.abs(interior.mean / (2 * MU_WATER_PER_MM) - 1)).toBeLessThan(0.002);
  });
});

describe('simulateLowDose', () => {
  const roi = 0.7 * RADIUS_PX;

  it('adds noise whose SD scales as sqrt((1 - f)/f) in from-full-dose mode (ratio within 15%)', () => {
    const half = simulateLowDose(water, SIZE, { ...base, mode: 'from-full-dose', doseFraction: 0.5, seed: 11 });
    const fifth = simulateLowDose(water, SIZE, { ...base, mode: 'from-full-dose', doseFraction: 0.2, seed: 12 });
    const sdHalf = centralStats(difference(half, water), SIZE, roi).sd;
    const sdFifth = centralStats(difference(fifth, water), SIZE, roi).sd;
    const expected = Math.sqrt((1 - 0.2) / 0.2) / Math.sqrt((1 - 0.5) / 0.5); // 2
    expect(sdFifth / sdHalf / expected).toBeGreaterThan(0.85);
    expect(sdFifth / sdHalf / expected).toBeLessThan(1.15);
  });

  it('gives noise whose SD scales as sqrt(1/f) in from-truth mode (ratio within 15%)', () => {
    const high = simulateLowDose(water, SIZE, { ...base, doseFraction: 0.5, seed: 21 });
    const low = simulateLowDose(water, SIZE, { ...base, doseFraction: 0.125, seed: 22 });
    const ratio =
      centralStats(difference(low, water), SIZE, roi).sd / centralStats(difference(high, water), SIZE, roi).sd;
    expect(ratio / 2).toBeGreaterThan(0.85);
    expect(ratio / 2).toBeLessThan(1.15);
  });

  it('matches the full-dose noise of from-truth when from-full-dose starts from a full-dose image', () => {
    // full dose (f = 1) from truth, then down to f = 0.25, versus f = 0.25 directly from truth: equal SD within 15%
    const full = simulateLowDose(water, SIZE, { ...base, doseFraction: 1, seed: 31 });
    const viaFull = simulateLowDose(full, SIZE, { ...base, mode: 'from-full-dose', doseFraction: 0.25, seed: 32 });
    const direct = simulateLowDose(water, SIZE, { ...base, doseFraction: 0.25, seed: 33 });
    const ratio =
      centralStats(difference(viaFull, water), SIZE, roi).sd / centralStats(difference(direct, water), SIZE, roi).sd;
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });

  it('is deterministic: same seed, identical output; another seed, different output', () => {
    const a = simulateLowDose(water, SIZE, base);
    const b = simulateLowDose(water, SIZE, base);
    const c = simulateLowDose(water, SIZE, { ...base, seed: 2 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    expect(centralStats(difference(a, c), SIZE, roi).sd).toBeGreaterThan(1);
  });

  it('keeps the mean HU of a uniform ROI unbiased (within 3 HU) in both modes', () => {
    for (const mode of ['from-truth', 'from-full-dose'] as const) {
      const out = simulateLowDose(water, SIZE, { ...base, mode, seed: 41 });
      const stats = centralStats(out, SIZE, roi);
      expect(stats.sd).toBeGreaterThan(2); // noise was added...
      expect(Math.abs(stats.mean)).toBeLessThan(3); // ...without shifting the mean
    }
  });

  it('returns the input unchanged at doseFraction 1 in from-full-dose mode', () => {
    const out = simulateLowDose(water, SIZE, { ...base, mode: 'from-full-dose', doseFraction: 1 });
    expect(out).not.toBe(water);
    expect(Array.from(out)).toEqual(Array.from(water));
  });

  it('refuses impossible options and sizes with registry errors', () => {
    expect(() => simulateLowDose(water, SIZE, { ...base, doseFraction: 0 })).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }),
    );
    expect(() => simulateLowDose(water, SIZE, { ...base, doseFraction: 1.5 })).toThrow(/doseFraction/);
    expect(() => simulateLowDose(water, SIZE, { ...base, seed: 0.5 })).toThrow(/seed/);
    expect(() => simulateLowDose(water, SIZE + 1, base)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH' }),
    );
    const bad = water.slice();
    bad[5] = Number.NaN;
    expect(() => simulateLowDose(bad, SIZE, base)).toThrow(expect.objectContaining({ code: 'VAL_ERR_BAD_INPUT' }));
  });
});

describe('simulateLowDoseSeries', () => {
  it('derives one seed per slice, so a series done in chunks equals the series done at once', () => {
    const size = 48;
    const slices = [0, 1, 2].map(() => discImage(size, 20, 0, -1000));
    const opts: LowDoseOptions = { doseFraction: 0.3, pixelSizeMm: 2, seed: 9, mode: 'from-truth', viewCount: 96 };
    const whole = simulateLowDoseSeries(slices, size, opts);
    const tail = simulateLowDoseSeries(slices.slice(1), size, opts, 1);
    expect(Array.from(tail[0])).toEqual(Array.from(whole[1]));
    expect(Array.from(tail[1])).toEqual(Array.from(whole[2]));
    expect(Array.from(whole[0])).not.toEqual(Array.from(whole[1]));
  });
});
