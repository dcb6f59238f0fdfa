import { HU_WINDOWS, ssim, type HuWindow } from '../../../validation/index.js';
import { add, gaussianNoise, uniformImage } from './synthetic.js';

const { exp } = Math;

/**
 * Independent SSIM written straight from Wang et al. 2004 (eqs. 13-17), differently from the module: a 2-D 11 x 11
 * Gaussian weight table normalised as a whole, two-pass weighted moments Σw(x-μ)², one window position at a time.
 * Returns the SSIM map over the valid centres (row-major, (height-10) x (width-10)).
 */
function referenceSsimMap(ref: Float32Array, test: Float32Array, width: number, height: number, win: HuWindow) {
  const clampShift = (v: number) => Math.min(win.high, Math.max(win.low, v)) - win.low;
  const x = Array.from(ref, clampShift);
  const y = Array.from(test, clampShift);
  const weights: number[][] = [];
  let total = 0;
  for (let a = -5; a <= 5; a++) {
    const row: number[] = [];
    for (let b = -5; b <= 5; b++) {
      const w = exp(-(a * a + b * b) / (2 * 1.5 * 1.5));
      row.push(w);
      total += w;
    }
    weights.push(row);
  }
  const L = win.high - win.low;
  const C1 = (0.01 * L) ** 2;
  const C2 = (0.03 * L) ** 2;
  const map: number[] = [];
  for (let i = 5; i < height - 5; i++) {
    for (let j = 5; j < width - 5; j++) {
      let mx = 0;
      let my = 0;
      for (let a = -5; a <= 5; a++) {
        for (let b = -5; b <= 5; b++) {
          const w = weights[a + 5][b + 5] / total;
          mx += w * x[(i + a) * width + j + b];
          my += w * y[(i + a) * width + j + b];
        }
      }
      let vx = 0;
      let vy = 0;
      let cxy = 0;
      for (let a = -5; a <= 5; a++) {
        for (let b = -5; b <= 5; b++) {
          const w = weights[a + 5][b + 5] / total;
          const dx = x[(i + a) * width + j + b] - mx;
          const dy = y[(i + a) * width + j + b] - my;
          vx += w * dx * dx;
          vy += w * dy * dy;
          cxy += w * dx * dy;
        }
      }
      map.push(((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2)));
    }
  }
  return map;
}

/** Gaussian-weighted (σ 1.5, 11 x 11) local means at the valid centres, straight from the definition. */
function gaussianLocalMeans(x: Float32Array, width: number, height: number): number[] {
  const means: number[] = [];
  for (let i = 5; i < height - 5; i++) {
    for (let j = 5; j < width - 5; j++) {
      let s = 0;
      let t = 0;
      for (let a = -5; a <= 5; a++) {
        for (let b = -5; b <= 5; b++) {
          const w = exp(-(a * a + b * b) / 4.5);
          s += w * x[(i + a) * width + j + b];
          t += w;
        }
      }
      means.push(s / t);
    }
  }
  return means;
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

describe('ssim (Wang et al. 2004, 11x11 Gaussian σ 1.5, K1 0.01, K2 0.03)', () => {
  // Non-square, with values beyond the window on both sides so clamping matters.
  const W = 29;
  const H = 23;
  const ref = uniformImage(W, H, -300, 400, 11);
  const test = add(ref, gaussianNoise(W, H, 60, 12));

  it('matches an independent direct implementation in several windows', () => {
    for (const win of [HU_WINDOWS.metric, HU_WINDOWS.abdomen, HU_WINDOWS.neuro, HU_WINDOWS.chest]) {
      const expected = mean(referenceSsimMap(ref, test, W, H, win));
      expect(ssim(ref, test, W, H, win)).toBeCloseTo(expected, 10);
    }
  });

  it('is exactly 1 for identical images, symmetric, and lower with more noise', () => {
    expect(ssim(ref, ref.slice(), W, H, HU_WINDOWS.metric)).toBe(1);
    expect(ssim(ref, test, W, H, HU_WINDOWS.metric)).toBeCloseTo(ssim(test, ref, W, H, HU_WINDOWS.metric), 12);
    const noisier = add(ref, gaussianNoise(W, H, 120, 13));
    expect(ssim(ref, noisier, W, H, HU_WINDOWS.metric)).toBeLessThan(ssim(ref, test, W, H, HU_WINDOWS.metric));
  });

  it('gives the analytic luminance term for constant images: (2ab + C1)/(a² + b² + C1)', () => {
    // metric window, L = 400, C1 = (0.01·400)² = 16; 40 HU → a = 200, 80 HU → b = 240 (shifted by -low = 160):
    // (2·200·240 + 16) / (200² + 240² + 16) = 96016 / 97616
    const a = new Float32Array(16 * 16).fill(40);
    const b = new Float32Array(16 * 16).fill(80);
    expect(ssim(a, b, 16, 16, HU_WINDOWS.metric)).toBeCloseTo(96016 / 97616, 12);
  });

  it('reduces to the mean luminance term for a constant offset (contrast-structure term = 1)', () => {
    // y = x + d inside the window: σy = σx = σxy, so SSIM = mean over windows of (2μ(μ+d) + C1)/(μ² + (μ+d)² + C1)
    const x = uniformImage(W, H, -100, 100, 21);
    const d = 30;
    const y = x.map((v) => v + d);
    const C1 = 16;
    const mu = gaussianLocalMeans(
      x.map((v) => v + 160),
      W,
      H,
    ); // μ of the shifted x at every valid centre
    const expected = mean(mu.map((m) => (2 * m * (m + d) + C1) / (m * m + (m + d) ** 2 + C1)));
    expect(ssim(x, y, W, H, HU_WINDOWS.metric)).toBeCloseTo(expected, 10);
  });

  it('averages only the window centres the mask selects', () => {
    const map = referenceSsimMap(ref, test, W, H, HU_WINDOWS.metric);
    const mask = new Uint8Array(W * H);
    mask[7 * W + 9] = 1; // centre (7, 9) → map index (7-5)·(W-10) + (9-5)
    mask[0] = 1; // not a valid centre: ignored
    expect(ssim(ref, test, W, H, HU_WINDOWS.metric, mask)).toBeCloseTo(map[2 * (W - 10) + 4], 10);
    mask[15 * W + 12] = 1;
    const both = (map[2 * (W - 10) + 4] + map[10 * (W - 10) + 7]) / 2;
    expect(ssim(ref, test, W, H, HU_WINDOWS.metric, mask)).toBeCloseTo(both, 10);
  });

  it('refuses images smaller than the window, bad lengths, and masks selecting no valid centre', () => {
    const small = new Float32Array(10 * 12);
    expect(() => ssim(small, small, 10, 12, HU_WINDOWS.metric)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_BAD_OPTION' }),
    );
    expect(() => ssim(ref, test.subarray(1), W, H, HU_WINDOWS.metric)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_SIZE_MISMATCH', message: expect.stringMatching(/^ssim: test/) }),
    );
    const edgeOnly = new Uint8Array(W * H);
    edgeOnly[0] = 1;
    expect(() => ssim(ref, test, W, H, HU_WINDOWS.metric, edgeOnly)).toThrow(
      expect.objectContaining({ code: 'VAL_ERR_EMPTY_INPUT' }),
    );
  });

  it('runs a 512 x 512 slice fast', () => {
    const big = uniformImage(512, 512, -200, 300, 31);
    const noisy = add(big, gaussianNoise(512, 512, 20, 32));
    ssim(big, noisy, 512, 512, HU_WINDOWS.metric); // warm-up
    const t0 = performance.now();
    const value = ssim(big, noisy, 512, 512, HU_WINDOWS.metric);
    const ms = performance.now() - t0;
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThan(1);
    expect(ms).toBeLessThan(1500);
  });
});
