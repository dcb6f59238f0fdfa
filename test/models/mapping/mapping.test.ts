import { huToModel, modelDeltaToHu, modelDeltaToRgb, rgbToModel } from '../../../models/mapping/index.js';
import { rand, thrownCode } from '../testUtils.js';

const CT = { low_hu: -1024, high_hu: 3071 } as const;
const RGB = { scale: 127.5, offset: -1 } as const;

describe('huToModel', () => {
  it('maps the window linearly to [-1, 1], clamps outside, replicates to 3 channels', () => {
    const hu = Float32Array.of(-1024, 3071, 1023.5, 0, -3000, 5000);
    const x = huToModel(hu, 2, 3, CT);
    expect(x).toHaveLength(18);
    const want = [-1, 1, 0, (2 * 1024) / 4095 - 1, -1, 1];
    for (let c = 0; c < 3; c++) want.forEach((w, i) => expect(x[c * 6 + i]).toBeCloseTo(w, 6));
  });
  it('refuses a bad window or length', () => {
    expect(thrownCode(() => huToModel(new Float32Array(4), 2, 2, { low_hu: 100, high_hu: 100 }))).toBe(
      'MODEL_ERR_BAD_OPTION',
    );
    expect(() => huToModel(new Float32Array(3), 2, 2, CT)).toThrow('huToModel: hu: expected 4 values (2x2), got 3');
  });
});

describe('rgbToModel', () => {
  it('x = v / 127.5 - 1, interleaved in, planar out', () => {
    const rgb = Uint8Array.of(0, 255, 51, 255, 0, 102);
    const x = rgbToModel(rgb, 1, 2, RGB);
    expect(Array.from(x)).toEqual([-1, 1, 1, -1, 51 / 127.5 - 1, 102 / 127.5 - 1].map(Math.fround));
  });
  it('refuses a bad scale or length', () => {
    expect(thrownCode(() => rgbToModel(new Uint8Array(3), 1, 1, { scale: 0, offset: -1 }))).toBe(
      'MODEL_ERR_BAD_OPTION',
    );
    expect(thrownCode(() => rgbToModel(new Uint8Array(4), 1, 1, RGB))).toBe('MODEL_ERR_BAD_INPUT');
  });
});

describe('modelDeltaToHu', () => {
  const r = rand(11);
  const H = 8;
  const W = 8;
  const hu = Float32Array.from({ length: H * W }, () => -1024 + r() * 4095);
  hu[0] = -1024; // window edges are inside
  hu[1] = 3071;
  hu[2] = -2000; // padding / outside the field of view
  hu[3] = 3500; // metal
  hu[4] = -1024.5;
  hu[5] = 12.345678;

  it('exact pass-through: unchanged model output gives the input bit for bit', () => {
    const v = huToModel(hu, H, W, CT);
    const out = modelDeltaToHu(hu, v, Float32Array.from(v), CT);
    expect(Buffer.from(out.buffer)).toEqual(Buffer.from(hu.buffer));
  });

  it('applies HU_out = HU_in + (mean_c(V_r) - mean_c(V_d)) (high - low) / 2 inside the window', () => {
    const v = huToModel(hu, H, W, CT);
    const restored = Float32Array.from(v, (x, i) => x + [0.01, 0.02, 0.03][Math.floor(i / (H * W))]);
    const out = modelDeltaToHu(hu, v, restored, CT);
    for (let i = 0; i < H * W; i++) {
      if (hu[i] < -1024 || hu[i] > 3071) continue;
      const dMean = [0, 1, 2].reduce((s, c) => s + restored[c * H * W + i] - v[c * H * W + i], 0) / 3;
      expect(out[i]).toBeCloseTo(hu[i] + (dMean * 4095) / 2, 2);
      expect(out[i] - hu[i]).toBeCloseTo(0.02 * 2047.5, 1);
    }
  });

  it('passes pixels outside [low_hu, high_hu] through unchanged even when the model changes them', () => {
    const v = huToModel(hu, H, W, CT);
    const restored = Float32Array.from(v, (x) => x - 0.5);
    const out = modelDeltaToHu(hu, v, restored, CT);
    expect(out[2]).toBe(-2000);
    expect(out[3]).toBe(3500);
    expect(out[4]).toBe(Math.fround(-1024.5));
    expect(out[0]).not.toBe(-1024);
    expect(out[1]).not.toBe(3071);
  });

  it('refuses mismatched lengths', () => {
    expect(() => modelDeltaToHu(hu, new Float32Array(3), new Float32Array(3), CT)).toThrow(
      /modelDeltaToHu: vDegraded: expected 192 values/,
    );
  });
});

describe('modelDeltaToRgb', () => {
  const rgb = Uint8Array.from({ length: 4 * 3 }, (_, i) => (i * 23) % 256);
  rgb[0] = 0;
  rgb[1] = 255;

  it('exact pass-through', () => {
    const v = rgbToModel(rgb, 2, 2, RGB);
    expect(modelDeltaToRgb(rgb, v, Float32Array.from(v), RGB)).toEqual(rgb);
  });

  it('applies the per-channel delta, rounded and clamped to 0..255', () => {
    const v = rgbToModel(rgb, 2, 2, RGB);
    const n = 4;
    // channel 0: +2 levels, channel 1: -1.4 levels (rounds to -1), channel 2: +300 levels (clamps)
    const restored = Float32Array.from(v, (x, i) => x + [2, -1.4, 300][Math.floor(i / n)] / 127.5);
    const out = modelDeltaToRgb(rgb, v, restored, RGB);
    for (let i = 0; i < n; i++) {
      expect(out[3 * i]).toBe(Math.min(255, rgb[3 * i] + 2));
      expect(out[3 * i + 1]).toBe(Math.max(0, rgb[3 * i + 1] - 1));
      expect(out[3 * i + 2]).toBe(255);
    }
    const darker = modelDeltaToRgb(
      rgb,
      v,
      Float32Array.from(v, (x) => x - 1),
      RGB,
    );
    expect(darker[0]).toBe(0);
    expect(darker[1]).toBe(128); // 255 - 127.5 = 127.5 rounds half up
  });

  it('refuses mismatched lengths', () => {
    expect(thrownCode(() => modelDeltaToRgb(rgb, new Float32Array(3), new Float32Array(12), RGB))).toBe(
      'MODEL_ERR_BAD_INPUT',
    );
    expect(thrownCode(() => modelDeltaToRgb(new Uint8Array(4), new Float32Array(4), new Float32Array(4), RGB))).toBe(
      'MODEL_ERR_BAD_INPUT',
    );
  });
});
