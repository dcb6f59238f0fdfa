import { createFftPlan, nextPowerOfTwo } from '../../../validation/lowdose/index.js';

describe('createFftPlan', () => {
  it('matches a direct DFT, X[k] = Σ x[n]·e^{-2πikn/L}', () => {
    const n = 16;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = Math.sin(i * 0.7) + (i % 3);
      im[i] = Math.cos(i * 1.3) - i / n;
    }
    const expectedRe = new Float64Array(n);
    const expectedIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        expectedRe[k] += re[t] * Math.cos(a) - im[t] * Math.sin(a);
        expectedIm[k] += re[t] * Math.sin(a) + im[t] * Math.cos(a);
      }
    }
    createFftPlan(n).transform(re, im, false);
    for (let k = 0; k < n; k++) {
      expect(re[k]).toBeCloseTo(expectedRe[k], 10);
      expect(im[k]).toBeCloseTo(expectedIm[k], 10);
    }
  });

  it('round-trips through the inverse transform', () => {
    const n = 1024;
    const re = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * i);
    const im = Float64Array.from({ length: n }, (_, i) => 1 / (i + 1));
    const re0 = re.slice();
    const im0 = im.slice();
    const plan = createFftPlan(n);
    plan.transform(re, im, false);
    plan.transform(re, im, true);
    for (let i = 0; i < n; i++) {
      expect(re[i]).toBeCloseTo(re0[i], 9);
      expect(im[i]).toBeCloseTo(im0[i], 9);
    }
  });

  it('refuses lengths that are not powers of two, and mismatched arrays', () => {
    expect(() => createFftPlan(12)).toThrow(expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }));
    expect(() => createFftPlan(8).transform(new Float64Array(4), new Float64Array(4), false)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH' }),
    );
  });

  it('nextPowerOfTwo rounds up', () => {
    expect([1, 2, 3, 729, 1024, 1025].map(nextPowerOfTwo)).toEqual([1, 2, 4, 1024, 1024, 2048]);
  });
});
