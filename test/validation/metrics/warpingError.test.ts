import { loadOpenCv, type OpenCv } from '../../../models/index.js';
import { createRng, warpingError } from '../../../validation/index.js';

// A smooth random texture moving 2 px right and 1 px down per frame: Farneback recovers the motion, so an output
// that moves with the guide warps back onto itself and an output that flickers does not.
const W = 96;
const H = 80;

function texture(seed: number): (x: number, y: number) => number {
  const rng = createRng(seed);
  const waves = Array.from({ length: 12 }, () => ({
    fx: (rng.uniform() - 0.5) * 0.5,
    fy: (rng.uniform() - 0.5) * 0.5,
    ph: rng.uniform() * 2 * Math.PI,
    a: 8 + 12 * rng.uniform(),
  }));
  return (x, y) => 128 + waves.reduce((s, w) => s + w.a * Math.sin(w.fx * x + w.fy * y + w.ph), 0) / 2;
}

function sequence(k: number, f: (x: number, y: number) => number, offsets: readonly number[] = []): Float32Array[] {
  return Array.from({ length: k }, (_, t) => {
    const img = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) img[y * W + x] = f(x - 2 * t, y - t) + (offsets[t] ?? 0);
    return img;
  });
}

let cv: OpenCv;
beforeAll(async () => {
  cv = await loadOpenCv();
});

describe('warpingError (Lai et al. 2018, Farneback flow)', () => {
  const f = texture(7);
  const guide = sequence(5, f);

  it('is near zero for an output that moves exactly as the guide', () => {
    const r = warpingError(cv, guide, guide, W, H);
    expect(r.pairs).toHaveLength(4);
    expect(r.value).toBeLessThan(3); // flow estimation and bilinear resampling error only, in 8-bit levels
    for (const o of r.occluded) expect(o).toBeLessThan(0.25); // the 2-px border that leaves the frame, little else
  });

  it('is large for an output moving against the guide (the warp direction matters)', () => {
    const backwards = [...guide].reverse();
    expect(warpingError(cv, backwards, guide, W, H).value).toBeGreaterThan(8);
  });

  it('measures frame-to-frame brightness flicker at its size', () => {
    const offsets = [0, 10, 0, 10, 0];
    const flickering = sequence(5, f, offsets);
    const r = warpingError(cv, flickering, guide, W, H);
    // Every pair differs by 10 levels after warping: RMS ≈ 10 on top of the ≈ 1-level resampling error.
    expect(r.value).toBeGreaterThan(9);
    expect(r.value).toBeLessThan(12);
  });

  it('ranks an independent-noise output above a consistent one', () => {
    const rng = createRng(3);
    const noisy = guide.map((g) => g.map((v) => v + 6 * rng.normal()));
    const consistent = warpingError(cv, guide, guide, W, H).value;
    const r = warpingError(cv, noisy, guide, W, H).value;
    expect(r).toBeGreaterThan(consistent + 5); // sqrt(2)·6 ≈ 8.5 expected from two independent draws
    expect(r).toBeLessThan(11);
  });

  it('rejects fewer than two frames and guides of another length, naming the array', () => {
    expect(() => warpingError(cv, [guide[0]], [guide[0]], W, H)).toThrow(/warpingError: expected at least 2 frames/);
    expect(() => warpingError(cv, guide, guide.slice(1), W, H)).toThrow(/guide: expected 5 frames/);
  });
});
