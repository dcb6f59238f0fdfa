import { estimateWindowNoise } from '../../models/degradation/estimateWindowNoise.js';

/** Seeded standard normal draws (Box-Muller over a small LCG) so the test is deterministic. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

function window(k: number, h: number, w: number, sigma: number, anatomy: (t: number, y: number, x: number) => number) {
  const g = gaussian(7);
  return Array.from({ length: k }, (_, t) => {
    const f = new Float32Array(3 * h * w);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = anatomy(t, y, x) + sigma * g();
        for (let c = 0; c < 3; c++) f[c * h * w + y * w + x] = v;
      }
    }
    return f;
  });
}

describe('estimateWindowNoise', () => {
  it('recovers white noise SD within 5 % from the neighbouring frames, whatever the anatomy does linearly in z', () => {
    for (const sigma of [0.01, 0.04]) {
      const flat = estimateWindowNoise(
        window(9, 64, 64, sigma, () => 0),
        64,
        64,
      );
      expect(Math.abs(flat / sigma - 1)).toBeLessThan(0.05);
      // anatomy with strong in-plane edges that drifts linearly along z cancels in the second difference
      const ramp = estimateWindowNoise(
        window(9, 64, 64, sigma, (t, y, x) => (x > 32 ? 0.5 : -0.3) + 0.02 * t + 0.001 * y),
        64,
        64,
      );
      expect(Math.abs(ramp / sigma - 1)).toBeLessThan(0.05);
    }
  });

  it('leaves exact zeros (padding outside the reconstruction circle) out', () => {
    const frames = window(9, 64, 64, 0.02, () => 0);
    // the top half of every frame is constant padding
    for (const f of frames) for (let c = 0; c < 3; c++) f.fill(-1, c * 4096, c * 4096 + 2048);
    expect(Math.abs(estimateWindowNoise(frames, 64, 64) / 0.02 - 1)).toBeLessThan(0.06);
  });

  it('falls back to the spatial operator for windows of fewer than 3 frames', () => {
    const est = estimateWindowNoise(
      window(1, 64, 64, 0.03, () => 0),
      64,
      64,
    );
    expect(Math.abs(est / 0.03 - 1)).toBeLessThan(0.06);
    expect(
      estimateWindowNoise(
        window(2, 16, 16, 0, () => 0.2),
        16,
        16,
      ),
    ).toBe(0);
  });
});
