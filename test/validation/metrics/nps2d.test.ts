import { nps2d, type Roi } from '../../../validation/index.js';
import { gaussianNoise } from './synthetic.js';

// White Gaussian noise of SD s on pixels of a mm has NPS(fx, fy) = s²·a² at every frequency and ∫∫NPS = s².
const s = 10;
const a = 0.5;
const N = 64;
const images = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => gaussianNoise(128, 128, s, 500 + k, 40));
const quadrants: Roi[] = [
  { x: 0, y: 0, width: N, height: N },
  { x: N, y: 0, width: N, height: N },
  { x: 0, y: N, width: N, height: N },
  { x: N, y: N, width: N, height: N },
];

describe('nps2d (AAPM TG-233 practice)', () => {
  it('is flat at s²·a² for white noise, integrates to s², and has the expected frequency axis', () => {
    const result = nps2d(images, 128, 128, quadrants, a, { detrend: 'mean' });
    const level = s * s * a * a; // 25 HU²·mm²
    expect(result.realizations).toBe(32);
    expect(result.frequencies).toHaveLength(N / 2);
    expect(result.frequencies[0]).toBeCloseTo(1 / (N * a), 12); // Δf = 1/(N·a) = 0.03125 cycles/mm
    expect(result.frequencies[N / 2 - 1]).toBeCloseTo(1 / (2 * a), 12); // Nyquist, 1 cycle/mm
    const ratios = Array.from(result.nps, (v) => v / level);
    const meanRatio = ratios.reduce((t, r) => t + r, 0) / ratios.length;
    expect(Math.abs(meanRatio - 1)).toBeLessThan(0.02);
    for (const r of ratios) expect(Math.abs(r - 1)).toBeLessThan(0.2); // bin 1 averages only 8 × 32 samples
    expect(Math.abs(result.variance / (s * s) - 1)).toBeLessThan(0.02);
    // flat spectrum: the mean frequency is the mean of the bin frequencies, (bins + 1)/2 · Δf
    expect(Math.abs(result.meanFrequency / ((N / 2 + 1) / 2 / (N * a)) - 1)).toBeLessThan(0.03);
    const spectrumMean = result.spectrum2d.reduce((t, v) => t + v, 0) / result.spectrum2d.length;
    expect(Math.abs(spectrumMean / level - 1)).toBeLessThan(0.02);
  });

  it('keeps the white-noise level with the default second-order detrend above the lowest frequencies', () => {
    const result = nps2d(images, 128, 128, quadrants, a);
    const level = s * s * a * a;
    for (const v of result.nps.subarray(3)) expect(Math.abs(v / level - 1)).toBeLessThan(0.2);
    // 6 of the N² degrees of freedom are fitted away
    expect(Math.abs(result.variance / (s * s) - 1)).toBeLessThan(0.02);
  });

  it('places a sinusoid of k0 cycles per ROI at f = k0/(N·a) with power A²/2 (analytic DFT)', () => {
    // x(c) = A·cos(2π·k0·c/N): |F(±k0, 0)|² = (A·N²/2)², so NPS = A²·N²·a²/4 at those two samples, ∫∫NPS = A²/2.
    const A = 7;
    const k0 = 5;
    const image = new Float32Array(N * N);
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) image[r * N + c] = 100 + A * Math.cos((2 * Math.PI * k0 * c) / N);
    }
    const result = nps2d([image], N, N, [{ x: 0, y: 0, width: N, height: N }], a, { detrend: 'mean' });
    expect(result.peakFrequency).toBeCloseTo(k0 / (N * a), 12);
    expect(result.variance).toBeCloseTo((A * A) / 2, 4);
    expect(result.spectrum2d[(N / 2) * N + N / 2 + k0]).toBeCloseTo((A * A * N * N * a * a) / 4, 2);
    expect(result.spectrum2d[(N / 2) * N + N / 2 - k0]).toBeCloseTo((A * A * N * N * a * a) / 4, 2);
    expect(result.meanFrequency).toBeCloseTo(k0 / (N * a), 12);
  });

  it('bins radially to the nearest bin centre: a diagonal (4, 4) sinusoid, radius 4√2 ≈ 5.66 Δf, peaks at 6 Δf', () => {
    const image = new Float32Array(N * N);
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) image[r * N + c] = 5 * Math.cos((2 * Math.PI * 4 * (c + r)) / N);
    }
    const result = nps2d([image], N, N, [{ x: 0, y: 0, width: N, height: N }], a, { detrend: 'mean' });
    expect(result.peakFrequency).toBeCloseTo(6 / (N * a), 12);
    expect(result.variance).toBeCloseTo(12.5, 4);
  });

  it('follows the analytic spectrum of a two-tap moving average, s²a²·cos²(π·fx·a), with finite-ROI leakage', () => {
    // y(c) = (x(c) + x(c+1))/2 along rows: autocovariance R(0) = s²/2, R(±1) = s²/4 (0 along columns), so the true
    // NPS is s²·a²·cos²(π·fx·a). The expected periodogram of an N-sample ROI weights R(m) by (1 - |m|/N) (Bartlett):
    // E[NPS(k)] = a²·(R(0) + 2·(1 - 1/N)·R(1)·cos(2πk/N)) = s²a²/2·(1 + (1 - 1/N)·cos(2πk/N)).
    const smoothed = images.map((image) => {
      const out = new Float32Array(128 * 128);
      for (let r = 0; r < 128; r++) {
        for (let c = 0; c < 127; c++) out[r * 128 + c] = (image[r * 128 + c] + image[r * 128 + c + 1]) / 2;
      }
      return out;
    });
    const rois: Roi[] = [
      { x: 0, y: 0, width: N, height: N },
      { x: 62, y: 0, width: N, height: N }, // column 127 (not smoothed) stays out
      { x: 0, y: N, width: N, height: N },
      { x: 62, y: N, width: N, height: N },
    ];
    const result = nps2d(smoothed, 128, 128, rois, a, { detrend: 'mean' });
    for (const k of [1, 8, 16, 24, 31]) {
      let column = 0;
      for (let l = 0; l < N; l++) column += result.spectrum2d[l * N + N / 2 + k];
      const expected = ((s * s * a * a) / 2) * (1 + (1 - 1 / N) * Math.cos((2 * Math.PI * k) / N));
      expect(Math.abs(column / N / expected - 1)).toBeLessThan(0.08);
    }
    expect(Math.abs(result.variance / ((s * s) / 2) - 1)).toBeLessThan(0.03); // ∫cos² over the band = 1/2
    expect(result.peakFrequency).toBeLessThan(0.3);
  });

  it('removes a quadratic background with poly2, a plane with plane, and only the mean with mean', () => {
    const image = new Float32Array(N * N);
    for (let r = 0; r < N; r++) {
      for (let c = 0; c < N; c++) image[r * N + c] = 50 + 0.8 * c - 0.3 * r + 0.02 * c * c + 0.01 * c * r;
    }
    const roi = [{ x: 0, y: 0, width: N, height: N }];
    // (float32 storage of values ~100 leaves ~1e-11 HU² of rounding noise)
    expect(nps2d([image], N, N, roi, a).variance).toBeLessThan(1e-9);
    expect(nps2d([image], N, N, roi, a, { detrend: 'plane' }).variance).toBeGreaterThan(1);
    const plane = image.map((_, i) => 3 + 0.5 * (i % N) + 0.25 * Math.floor(i / N));
    expect(nps2d([plane], N, N, roi, a, { detrend: 'plane' }).variance).toBeLessThan(1e-9);
    expect(nps2d([plane], N, N, roi, a, { detrend: 'mean' }).variance).toBeGreaterThan(1);
  });

  it('handles rectangular ROIs and fewer bins', () => {
    const result = nps2d(images, 128, 128, [{ x: 0, y: 0, width: 64, height: 32 }], a, { detrend: 'mean', bins: 8 });
    expect(result.frequencies).toHaveLength(8);
    expect(result.binWidth).toBeCloseTo(1 / (2 * a) / 8, 12);
    expect(result.roiWidth).toBe(64);
    expect(result.roiHeight).toBe(32);
    expect(Math.abs(result.variance / (s * s) - 1)).toBeLessThan(0.05);
  });

  it('refuses non-power-of-two or unequal ROIs, ROIs outside the image, too many bins and empty inputs', () => {
    const code = (c: string) => expect.objectContaining({ code: c });
    expect(() => nps2d(images, 128, 128, [{ x: 0, y: 0, width: 48, height: 48 }], a)).toThrow(code('VAL_ERR_BAD_ROI'));
    expect(() => nps2d(images, 128, 128, [quadrants[0], { x: 0, y: 0, width: 32, height: 32 }], a)).toThrow(
      code('VAL_ERR_BAD_ROI'),
    );
    expect(() => nps2d(images, 128, 128, [{ x: 100, y: 0, width: 64, height: 64 }], a)).toThrow(
      code('VAL_ERR_BAD_ROI'),
    );
    expect(() => nps2d(images, 128, 128, quadrants, a, { bins: 33 })).toThrow(code('VAL_ERR_BAD_OPTION'));
    expect(() => nps2d(images, 128, 128, quadrants, 0)).toThrow(code('VAL_ERR_BAD_OPTION'));
    expect(() => nps2d([], 128, 128, quadrants, a)).toThrow(code('VAL_ERR_EMPTY_INPUT'));
    expect(() => nps2d(images, 128, 128, [], a)).toThrow(code('VAL_ERR_EMPTY_INPUT'));
    expect(() => nps2d([images[0].subarray(1)], 128, 128, quadrants, a)).toThrow(code('VAL_ERR_SIZE_MISMATCH'));
    const nan = images[0].slice();
    nan[5] = NaN;
    expect(() => nps2d([nan], 128, 128, quadrants, a)).toThrow(code('VAL_ERR_BAD_INPUT'));
  });
});
