import {
  createParallelBeamGeometry,
  createRng,
  fbp,
  kernelFromName,
  kernelNps,
  matchNoiseKernel,
  nps2d,
  npsDistance,
  ValidationError,
  type Roi,
} from '../../../validation/index.js';
import type { RampWindow } from '../../../validation/lowdose/index.js';

// Issue "Step 11": the kernel matcher recovers a known apodisation. The target is FBP-reconstructed white detector
// noise on a 256² image of 0.7 mm pixels with another seed and image size than the matcher's own table, measured by
// nps2d like a series' noise.
function fbpNoiseNps(window: RampWindow, cutoff: number): Float64Array {
  const size = 256;
  const geom = createParallelBeamGeometry(size, 0.7);
  const rng = createRng(99);
  const images = [0, 1].map(() => {
    const s = new Float32Array(geom.viewCount * geom.detectorCount);
    for (let i = 0; i < s.length; i++) s[i] = rng.normal();
    return fbp(s, geom, { window, cutoff });
  });
  const rois: Roi[] = [];
  for (let y = 0; y < size; y += 32) for (let x = 0; x < size; x += 32) rois.push({ x, y, width: 32, height: 32 });
  return nps2d(images, size, size, rois, 0.7).nps;
}

describe('matchNoiseKernel', () => {
  it.each([
    ['hann', 0.8],
    ['shepp-logan', 0.6],
    ['ram-lak', 1],
  ] as [RampWindow, number][])(
    'recovers %s at cutoff %s',
    (window, cutoff) => {
      const m = matchNoiseKernel(fbpNoiseNps(window, cutoff), 32);
      expect(m.kernel.window).toBe(window);
      expect(Math.abs(m.kernel.cutoff - cutoff)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(m.meanFrequency / m.targetMeanFrequency - 1)).toBeLessThan(0.02);
    },
    120_000,
  );

  it('orders the windows from sharp to smooth and the cutoff lowers the texture frequency', () => {
    const mean = (window: RampWindow, cutoff: number): number => kernelNps({ window, cutoff }, 32).meanFrequency;
    expect(mean('ram-lak', 1)).toBeGreaterThan(mean('shepp-logan', 1));
    expect(mean('shepp-logan', 1)).toBeGreaterThan(mean('cosine', 1));
    expect(mean('cosine', 1)).toBeGreaterThan(mean('hann', 1));
    expect(mean('hann', 1)).toBeGreaterThan(mean('hann', 0.6));
  }, 60_000);

  it('npsDistance is 0 for the same shape at any scale and grows with the shift of power', () => {
    const a = Float64Array.from([1, 2, 3, 2, 1, 0, 0, 0]);
    expect(
      npsDistance(
        a,
        a.map((v) => 5 * v),
        0.1,
      ),
    ).toBeCloseTo(0, 12);
    const b = Float64Array.from([0, 1, 2, 3, 2, 1, 0, 0]);
    const c = Float64Array.from([0, 0, 1, 2, 3, 2, 1, 0]);
    expect(npsDistance(a, b, 0.1)).toBeCloseTo(0.1, 10);
    expect(npsDistance(a, c, 0.1)).toBeCloseTo(0.2, 10);
  });

  it('refuses a target of the wrong length or without power, naming the option', () => {
    expect(() => matchNoiseKernel(new Float64Array(8), 32)).toThrow(ValidationError);
    expect(() => matchNoiseKernel(new Float64Array(16), 32)).toThrow(/targetNps: expected some noise power/);
    expect(() => matchNoiseKernel(new Float64Array(15).fill(1), 32)).toThrow(/16 radial bins/);
  });

  it('maps DICOM kernel names to a coarse fallback, sharp names to sharp windows', () => {
    expect(kernelFromName('LUNG').window).toBe('ram-lak');
    expect(kernelFromName('B70f').window).toBe('ram-lak');
    expect(kernelFromName('B10f')).toEqual({ window: 'hann', cutoff: 0.85 });
    expect(kernelFromName('SOFT').window).toBe('hann');
    expect(kernelFromName(undefined)).toEqual({ window: 'hann', cutoff: 1 });
  });
});
