import { blendWithInput } from '../../../models/mapping/index.js';
import { DEFAULT_STRENGTH, isStrength, STRENGTH_WEIGHTS, STRENGTHS } from '../../../models/index.js';
import { thrownCode } from '../testUtils.js';

describe('strength table', () => {
  it('is low 0.5, medium 0.75, high 1, frozen, with medium the default', () => {
    expect(STRENGTHS).toEqual(['low', 'medium', 'high']);
    expect(STRENGTH_WEIGHTS).toEqual({ low: 0.5, medium: 0.75, high: 1 });
    expect(Object.isFrozen(STRENGTH_WEIGHTS)).toBe(true);
    expect(Object.isFrozen(STRENGTHS)).toBe(true);
    expect(DEFAULT_STRENGTH).toBe('medium');
    expect(STRENGTHS.every(isStrength)).toBe(true);
    expect([undefined, '', 'High', 'max', 0.5, null].some(isStrength)).toBe(false);
  });
});

describe('blendWithInput', () => {
  const hu = Float32Array.of(-3024, -1000, 0, 40, 100.5, 3000);
  const restored = Float32Array.of(-3024, -990, 12, 20, 100.5, 2500);

  it('weight 1 is the unblended output itself', () => {
    expect(blendWithInput(hu, restored, 1)).toBe(restored);
    const rgb = Uint8Array.of(0, 10, 255);
    const r = Uint8Array.of(3, 20, 250);
    expect(blendWithInput(rgb, r, 1)).toBe(r);
  });

  it('weight 0.5 halves the change and 0.75 keeps three quarters of it (CT, float)', () => {
    const half = blendWithInput(hu, restored, 0.5);
    expect(Array.from(half)).toEqual([-3024, -995, 6, 30, 100.5, 2750]);
    const medium = blendWithInput(hu, restored, 0.75);
    for (let i = 0; i < hu.length; i++) expect(medium[i] - hu[i]).toBeCloseTo(0.75 * (restored[i] - hu[i]), 4);
    // Unchanged values (padding, pass-through) stay the input exactly.
    expect(half[0]).toBe(-3024);
    expect(medium[4]).toBe(100.5);
    expect(half).not.toBe(hu);
    expect(Array.from(hu)).toEqual([-3024, -1000, 0, 40, 100.5, 3000]); // inputs untouched
  });

  it('blends RGB in float, then rounds (halves up) and stays within 0..255', () => {
    const input = Uint8Array.of(0, 0, 10, 255, 255, 100, 7);
    const out = Uint8Array.of(1, 3, 0, 254, 0, 100, 8);
    // 0.5, 1.5, 5, 254.5, 127.5, 100, 7.5 -> rounded
    expect(Array.from(blendWithInput(input, out, 0.5))).toEqual([1, 2, 5, 255, 128, 100, 8]);
    // 0.75, 2.25, 2.5, 254.25, 63.75, 100, 7.75
    expect(Array.from(blendWithInput(input, out, 0.75))).toEqual([1, 2, 3, 254, 64, 100, 8]);
    const extremes = blendWithInput(Uint8Array.of(255, 0), Uint8Array.of(255, 0), 0.5);
    expect(extremes).toBeInstanceOf(Uint8Array);
    expect(Array.from(extremes)).toEqual([255, 0]);
  });

  it('refuses a weight outside [0, 1] and frames that do not match', () => {
    for (const w of [-0.1, 1.5, Number.NaN])
      expect(thrownCode(() => blendWithInput(hu, restored, w))).toBe('MODEL_ERR_BAD_OPTION');
    expect(() => blendWithInput(hu, restored, 2)).toThrow(/weight: expected a number in \[0, 1\], got 2/);
    expect(thrownCode(() => blendWithInput(hu, restored.subarray(1), 0.5))).toBe('MODEL_ERR_BAD_INPUT');
    expect(thrownCode(() => blendWithInput(hu, new Uint8Array(6) as unknown as Float32Array, 0.5))).toBe(
      'MODEL_ERR_BAD_INPUT',
    );
  });
});
