import { flicker, temporalDifferenceEnergy } from '../../../validation/index.js';
import { gaussianNoise, uniformImage } from './synthetic.js';

const P = 48 * 40;
const reference = [0, 1, 2, 3].map((k) => uniformImage(48, 40, -200, 300, 100 + k));

describe('flicker', () => {
  it('is 0 for identical series and for a constant offset', () => {
    expect(flicker(reference, reference)).toBe(0);
    expect(
      flicker(
        reference.map((f) => f.map((v) => v + 25)),
        reference,
      ),
    ).toBeCloseTo(0, 4);
  });

  it('equals sqrt(mean_k (c[k+1] - c[k])²) for per-frame offsets c', () => {
    // c = [0, 3, -1, 4]: adjacent differences 3, -4, 5 → sqrt((9 + 16 + 25)/3) = sqrt(50/3)
    const c = [0, 3, -1, 4];
    const output = reference.map((f, k) => f.map((v) => v + c[k]));
    expect(flicker(output, reference)).toBeCloseTo(Math.sqrt(50 / 3), 4);
  });

  it('windows both series first', () => {
    // reference 0 everywhere, output c_k, window [-2, 2]: clamped [0, 2, -1, 2] → differences 2, -3, 3 → sqrt(22/3)
    const zeros = [0, 1, 2, 3].map(() => new Float32Array(P));
    const output = [0, 3, -1, 4].map((c) => new Float32Array(P).fill(c));
    expect(flicker(output, zeros, { low: -2, high: 2, name: 'narrow' })).toBeCloseTo(Math.sqrt(22 / 3), 12);
    expect(flicker(output, zeros)).toBeCloseTo(Math.sqrt(50 / 3), 12);
  });

  it('refuses short, mismatched or ragged series', () => {
    expect(() => flicker([reference[0]], [reference[0]])).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_EMPTY_INPUT' }),
    );
    expect(() => flicker(reference, reference.slice(1))).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH', message: expect.stringMatching(/^flicker: reference/) }),
    );
    expect(() => flicker([reference[0], reference[1].subarray(1)], reference.slice(0, 2))).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH', message: expect.stringMatching(/output\[1\]/) }),
    );
    expect(() =>
      flicker([new Float32Array(0), new Float32Array(0)], [new Float32Array(0), new Float32Array(0)]),
    ).toThrow(expect.objectContaining({ code: 'VAL_ERR_EMPTY_INPUT' }));
  });
});

describe('temporalDifferenceEnergy', () => {
  it('is the RMS of adjacent-frame differences', () => {
    const frames = [0, 3, -1, 4].map((c) => new Float32Array(P).fill(c));
    expect(temporalDifferenceEnergy(frames)).toBeCloseTo(Math.sqrt(50 / 3), 12);
    expect(temporalDifferenceEnergy(frames, { low: -2, high: 2, name: 'narrow' })).toBeCloseTo(Math.sqrt(22 / 3), 12);
    expect(temporalDifferenceEnergy([reference[0], reference[0]])).toBe(0);
  });

  it('is √2·s for independent noise frames of SD s', () => {
    const frames = [0, 1, 2, 3, 4, 5].map((k) => gaussianNoise(128, 128, 10, 200 + k, 40));
    expect(temporalDifferenceEnergy(frames)).toBeCloseTo(10 * Math.SQRT2, 0);
    expect(Math.abs(temporalDifferenceEnergy(frames) / (10 * Math.SQRT2) - 1)).toBeLessThan(0.01);
  });

  it('refuses a single frame', () => {
    expect(() => temporalDifferenceEnergy([reference[0]])).toThrow(
      expect.objectContaining({
        code: 'VAL_ERR_EMPTY_INPUT',
        message: expect.stringMatching(/^temporalDifferenceEnergy/),
      }),
    );
  });
});
