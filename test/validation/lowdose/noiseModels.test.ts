import {
  createRng,
  transmissionNoiseSinogram,
  yuAddedVariance,
  yuNoiseSinogram,
} from '../../../validation/lowdose/index.js';

describe('yuAddedVariance (Yu et al. 2012)', () => {
  it('matches a hand-computed golden value', () => {
    // p = 4, f = 0.25, I0 = 1e5, σe² = 10: 3 · e⁴/1e5 · (1 + 5 · 10 · e⁴/1e5) = 1.68266e-3
    const e4 = Math.exp(4) / 1e5;
    expect(yuAddedVariance(4, 0.25, 1e5, 10)).toBeCloseTo(3 * e4 * (1 + 50 * e4), 12);
    expect(yuAddedVariance(4, 0.25, 1e5, 10)).toBeCloseTo(1.68266e-3, 7);
  });

  it('is the difference of the low- and full-dose log-domain variances, and 0 at f = 1', () => {
    const p = 3;
    const i0 = 2e4;
    const se2 = 25;
    const logVariance = (f: number): number => (Math.exp(p) / (f * i0)) * (1 + (se2 * Math.exp(p)) / (f * i0));
    expect(yuAddedVariance(p, 0.3, i0, se2)).toBeCloseTo(logVariance(0.3) - logVariance(1), 12);
    expect(yuAddedVariance(p, 1, i0, se2)).toBe(0);
  });
});

describe('noise sinograms', () => {
  const model = { doseFraction: 0.5, incidentPhotons: 1e4, electronicNoiseVariance: 10, countFloor: 1 };

  it('transmission noise has the log-domain variance e^p/(f·I0)·(1 + σe²·e^p/(f·I0)) and the small log bias', () => {
    const p = 2.5;
    const n = 100000;
    const noise = transmissionNoiseSinogram(new Float32Array(n).fill(p), model, createRng(1));
    let sum = 0;
    let sum2 = 0;
    for (const v of noise) {
      sum += v;
      sum2 += v * v;
    }
    const mean = sum / n;
    const lambda = model.doseFraction * model.incidentPhotons * Math.exp(-p);
    const expectedVariance = (1 / lambda) * (1 + model.electronicNoiseVariance / lambda);
    expect(sum2 / n - mean * mean).toBeGreaterThan(0.95 * expectedVariance);
    expect(sum2 / n - mean * mean).toBeLessThan(1.05 * expectedVariance);
    // E[-ln N/λ] ≈ var/2 to first order: positive and of that size
    expect(mean).toBeGreaterThan(0.3 * expectedVariance);
    expect(mean).toBeLessThan(1.2 * expectedVariance);
  });

  it('floors starved rays instead of taking the log of zero', () => {
    const noise = transmissionNoiseSinogram(new Float32Array(1000).fill(20), model, createRng(2));
    expect(noise.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('Yu noise is zero-mean with the per-ray variance of yuAddedVariance', () => {
    const p = 4;
    const n = 100000;
    const noise = yuNoiseSinogram(new Float32Array(n).fill(p), model, createRng(3));
    let sum = 0;
    let sum2 = 0;
    for (const v of noise) {
      sum += v;
      sum2 += v * v;
    }
    const variance = yuAddedVariance(p, model.doseFraction, model.incidentPhotons, model.electronicNoiseVariance);
    expect(Math.abs(sum / n)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(sum2 / n / variance).toBeGreaterThan(0.97);
    expect(sum2 / n / variance).toBeLessThan(1.03);
  });
});
