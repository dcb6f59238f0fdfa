import { endoscopyFrames } from '../../demo/index.js';

const SIZE = 336;
const COUNT = 24;

function meanSquaredDifference(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** Σ of squared horizontal and vertical differences of the luminance-like channel sum, inside the central square. */
function gradientEnergy(frame: Uint8Array, size: number): number {
  const lo = Math.floor(size * 0.2);
  const hi = Math.floor(size * 0.8);
  const value = (i: number, j: number): number => {
    const p = 3 * (i * size + j);
    return frame[p] + frame[p + 1] + frame[p + 2];
  };
  let e = 0;
  for (let i = lo; i < hi; i++) {
    for (let j = lo; j < hi; j++) e += (value(i, j + 1) - value(i, j)) ** 2 + (value(i + 1, j) - value(i, j)) ** 2;
  }
  return e;
}

describe('endoscopyFrames', () => {
  const seq = endoscopyFrames(COUNT, SIZE, 1);

  it('returns count RGB frames of size x size x 3, sharp and blurred, with one motion each', () => {
    expect(seq.sharp).toHaveLength(COUNT);
    expect(seq.blurred).toHaveLength(COUNT);
    expect(seq.motion).toHaveLength(COUNT);
    for (const frame of [...seq.sharp, ...seq.blurred]) expect(frame.length).toBe(SIZE * SIZE * 3);
    expect(seq.motion[0]).toMatchObject({ dx: 0, dy: 0 });
  });

  it('looks like mucosa: reddish-orange inside (R > G > B), black outside the octagonal field stop', () => {
    const frame = seq.sharp[0];
    const sums = [0, 0, 0];
    const c = SIZE >> 1;
    for (let i = c - 60; i < c + 60; i++) {
      for (let j = c - 60; j < c + 60; j++) for (let k = 0; k < 3; k++) sums[k] += frame[3 * (i * SIZE + j) + k];
    }
    expect(sums[0]).toBeGreaterThan(sums[1]);
    expect(sums[1]).toBeGreaterThan(sums[2]);
    expect(sums[0] / (120 * 120)).toBeGreaterThan(100);
    expect(Array.from(frame.subarray(0, 3))).toEqual([0, 0, 0]); // top-left corner
    expect(Array.from(frame.subarray(frame.length - 3))).toEqual([0, 0, 0]);
  });

  it('moves smoothly: consecutive frames are more alike than frames 12 apart', () => {
    let near = 0;
    let far = 0;
    for (let t = 0; t + 12 < COUNT; t++) {
      near += meanSquaredDifference(seq.sharp[t], seq.sharp[t + 1]);
      far += meanSquaredDifference(seq.sharp[t], seq.sharp[t + 12]);
    }
    expect(near).toBeLessThan(0.7 * far);
    for (const m of seq.motion.slice(1)) expect(Math.hypot(m.dx, m.dy)).toBeLessThan(9);
  });

  it('mixes sharp frames (no blur) and blurred frames up to 15 px', () => {
    const lengths = seq.motion.map((m) => m.lengthPx);
    expect(lengths.every((l) => l >= 0 && l <= 15)).toBe(true);
    expect(lengths.some((l) => l === 0)).toBe(true);
    expect(lengths.some((l) => l > 3)).toBe(true);
    seq.motion.forEach((m, t) => {
      if (m.lengthPx === 0) expect(meanSquaredDifference(seq.blurred[t], seq.sharp[t])).toBe(0);
    });
  });

  it('lowers gradient energy in frames blurred by more than 3 px', () => {
    seq.motion.forEach((m, t) => {
      if (m.lengthPx > 3)
        expect(gradientEnergy(seq.blurred[t], SIZE)).toBeLessThan(0.8 * gradientEnergy(seq.sharp[t], SIZE));
    });
  });

  it('is deterministic per seed, prefix-stable, and differs between seeds', () => {
    const again = endoscopyFrames(4, SIZE, 1);
    const other = endoscopyFrames(4, SIZE, 2);
    for (let t = 0; t < 4; t++) {
      expect(Buffer.from(again.sharp[t]).equals(Buffer.from(seq.sharp[t]))).toBe(true);
      expect(Buffer.from(again.blurred[t]).equals(Buffer.from(seq.blurred[t]))).toBe(true);
    }
    expect(again.motion).toEqual(seq.motion.slice(0, 4));
    expect(meanSquaredDifference(other.sharp[0], seq.sharp[0])).toBeGreaterThan(100);
  });

  it('refuses out-of-range arguments with DEMO_ERR_BAD_ARGUMENT', () => {
    expect(() => endoscopyFrames(0)).toThrow(expect.objectContaining({ code: 'DEMO_ERR_BAD_ARGUMENT' }));
    expect(() => endoscopyFrames(2, 16)).toThrow(/endoscopyFrames: size/);
    expect(() => endoscopyFrames(2, 64, 0.5)).toThrow(/endoscopyFrames: seed/);
  });
});
