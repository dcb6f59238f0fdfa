import { addNoise, createDdimSchedule, ddimStep, setTimesteps } from '../../../models/scheduler/index.js';
import type { DdimSchedule } from '../../../models/scheduler/index.js';
import { SD_CONFIG } from './sdConfig.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
const expectClose = (got: Float32Array, want: number[], tol = 1e-6): void => {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThan(tol * Math.max(1, Math.abs(w))));
};

describe('ddimStep', () => {
  const sd = createDdimSchedule(SD_CONFIG);
  const sample = f32([0.5, -1.0, 0.25]);
  const eps = f32([0.1, 0.2, -0.3]);

  it('hand-computed epsilon step, t = 751 -> 501 (4 steps, eta 0)', () => {
    // ᾱ_751 = 0.05571902929837482, ᾱ_501 = 0.2749990668501319 (numpy float64).
    // x̂₀ = (x − √(1−ᾱ_t) ε)/√ᾱ_t ; x_prev = √ᾱ_prev x̂₀ + √(1−ᾱ_prev) ε
    const out = ddimStep({ modelOutput: eps, timestep: 751, sample, eta: 0 }, sd, 4);
    expectClose(out.predOriginalSample, [1.70653654, -5.05975168, 2.29411204]);
    expectClose(out.prevSample, [0.98006078, -2.48305769, 0.9475995]);
  });

  it('hand-computed step with eta = 1 uses the passed-in noise (Song et al. eq. 16)', () => {
    const noise = f32([1.0, -0.5, 2.0]);
    const out = ddimStep({ modelOutput: eps, timestep: 751, sample, noise, eta: 1 }, sd, 4);
    // σ = √((1−ᾱ_prev)/(1−ᾱ_t)) √(1 − ᾱ_t/ᾱ_prev) = 0.7824428066745122
    expectClose(out.prevSample, [1.71093996, -2.97740635, 2.667176]);
    // same noise, same result: pure
    const again = ddimStep({ modelOutput: eps, timestep: 751, sample, noise, eta: 1 }, sd, 4);
    expect(again.prevSample).toEqual(out.prevSample);
  });

  it('does not mutate its inputs and ignores noise when eta = 0', () => {
    const s = f32([0.5, -1.0, 0.25]);
    const e = f32([0.1, 0.2, -0.3]);
    const a = ddimStep({ modelOutput: e, timestep: 751, sample: s, eta: 0 }, sd, 4);
    const b = ddimStep({ modelOutput: e, timestep: 751, sample: s, noise: f32([9, 9, 9]), eta: 0 }, sd, 4);
    expect(a.prevSample).toEqual(b.prevSample);
    expect(Array.from(s)).toEqual(Array.from(sample));
    expect(Array.from(e)).toEqual(Array.from(eps));
  });

  it('the last step (prev < 0) uses finalAlphaCumprod: ᾱ_0 or 1 with set_alpha_to_one', () => {
    const x0 = f32([0.3, -0.2]);
    const e = f32([0.5, 1.5]);
    for (const setOne of [false, true]) {
      const s = createDdimSchedule({ ...SD_CONFIG, set_alpha_to_one: setOne });
      const x = addNoise(x0, e, 1, s);
      const out = ddimStep({ modelOutput: e, timestep: 1, sample: x, eta: 0 }, s, 4);
      const aPrev = setOne ? 1 : s.alphasCumprod[0];
      expect(s.finalAlphaCumprod).toBe(aPrev);
      expectClose(
        out.prevSample,
        [0, 1].map((i) => Math.sqrt(aPrev) * x0[i] + Math.sqrt(1 - aPrev) * e[i]),
        1e-5,
      );
      if (setOne) expectClose(out.prevSample, [0.3, -0.2], 1e-5);
    }
  });

  it('epsilon, v_prediction and sample predictions of the same state give the same step', () => {
    const x0 = f32([0.7, -0.4, 0.1, -0.9]);
    const e = f32([1.2, -0.3, 0.5, 0.05]);
    const t = 501;
    const base = createDdimSchedule(SD_CONFIG);
    const x = addNoise(x0, e, t, base);
    const a = base.alphasCumprod[t];
    // v = √ᾱ ε − √(1−ᾱ) x₀ (Salimans & Ho 2022)
    const v = Float32Array.from(e, (ei, i) => Math.sqrt(a) * ei - Math.sqrt(1 - a) * x0[i]);
    const run = (prediction_type: 'epsilon' | 'v_prediction' | 'sample', m: Float32Array): Float32Array => {
      const s: DdimSchedule = createDdimSchedule({ ...SD_CONFIG, prediction_type });
      const out = ddimStep({ modelOutput: m, timestep: t, sample: x, eta: 0 }, s, 20);
      expectClose(out.predOriginalSample, Array.from(x0), 1e-5);
      return out.prevSample;
    };
    const pe = run('epsilon', e);
    const pv = run('v_prediction', v);
    const ps = run('sample', x0);
    const aPrev = base.alphasCumprod[t - 50];
    const want = Array.from(x0, (xi, i) => Math.sqrt(aPrev) * xi + Math.sqrt(1 - aPrev) * e[i]);
    expectClose(pe, want, 1e-5);
    expectClose(pv, want, 1e-5);
    expectClose(ps, want, 1e-5);
  });

  it('hand-computed v_prediction step', () => {
    const s = createDdimSchedule({ ...SD_CONFIG, prediction_type: 'v_prediction' });
    const a = 0.05571902929837482;
    const ap = 0.2749990668501319;
    const v = f32([0.1, 0.2, -0.3]);
    const out = ddimStep({ modelOutput: v, timestep: 751, sample, eta: 0 }, s, 4);
    const x0 = [0, 1, 2].map((i) => Math.sqrt(a) * sample[i] - Math.sqrt(1 - a) * v[i]);
    const e = [0, 1, 2].map((i) => Math.sqrt(a) * v[i] + Math.sqrt(1 - a) * sample[i]);
    expectClose(out.predOriginalSample, x0);
    expectClose(
      out.prevSample,
      x0.map((xi, i) => Math.sqrt(ap) * xi + Math.sqrt(1 - ap) * e[i]),
    );
  });

  it('clip_sample clips x̂₀ to ±clip_sample_range; useClippedModelOutput re-derives ε', () => {
    const s = createDdimSchedule({ ...SD_CONFIG, clip_sample: true, clip_sample_range: 1.5 });
    const out = ddimStep({ modelOutput: eps, timestep: 751, sample, eta: 0 }, s, 4);
    expectClose(out.predOriginalSample, [1.5, -1.5, 1.5]);
    const ap = s.alphasCumprod[501];
    expectClose(
      out.prevSample,
      [1.5, -1.5, 1.5].map((xi, i) => Math.sqrt(ap) * xi + Math.sqrt(1 - ap) * eps[i]),
    );
    const clipped = ddimStep({ modelOutput: eps, timestep: 751, sample, eta: 0, useClippedModelOutput: true }, s, 4);
    const a = s.alphasCumprod[751];
    expectClose(
      clipped.prevSample,
      [1.5, -1.5, 1.5].map(
        (xi, i) => Math.sqrt(ap) * xi + Math.sqrt(1 - ap) * ((sample[i] - Math.sqrt(a) * xi) / Math.sqrt(1 - a)),
      ),
    );
  });

  it('a full deterministic run from x_T with the true ε recovers x₀', () => {
    const x0 = f32([0.25, -0.5, 0.75]);
    const e = f32([0.3, -1.1, 0.6]);
    const s = createDdimSchedule({ ...SD_CONFIG, set_alpha_to_one: true });
    const ts = setTimesteps(s, 20);
    let x = addNoise(x0, e, ts[0], s);
    for (const t of ts) x = ddimStep({ modelOutput: e, timestep: t, sample: x, eta: 0 }, s, 20).prevSample;
    expectClose(x, Array.from(x0), 1e-4);
  });

  it.each([
    [{ timestep: 1000 }, /timestep: expected an integer in \[0, 999\]/],
    [{ timestep: -1 }, /timestep/],
    [{ timestep: 10.5 }, /timestep/],
    [{ eta: -0.1 }, /eta: expected a number >= 0/],
    [{ eta: 0.5 }, /noise: expected 3 values when eta > 0, got none/],
    [{ eta: 0.5, noise: f32([1]) }, /noise: expected 3 values when eta > 0, got 1/],
    [{ modelOutput: f32([1, 2]) }, /modelOutput: expected 3 values/],
  ])('refuses %p', (patch, re) => {
    expect(() => ddimStep({ modelOutput: eps, timestep: 751, sample, eta: 0, ...patch }, sd, 4)).toThrow(re);
  });

  it('refuses a bad step count', () => {
    expect(() => ddimStep({ modelOutput: eps, timestep: 751, sample, eta: 0 }, sd, 0)).toThrow(/steps/);
  });
});

describe('addNoise', () => {
  const sd = createDdimSchedule(SD_CONFIG);
  it('x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε', () => {
    const out = addNoise(f32([1, -1]), f32([0.5, 2]), 751, sd);
    const a = 0.05571902929837482;
    expectClose(out, [Math.sqrt(a) + Math.sqrt(1 - a) * 0.5, -Math.sqrt(a) + Math.sqrt(1 - a) * 2]);
  });
  it('refuses a bad timestep or length', () => {
    expect(() => addNoise(f32([1]), f32([1]), 1000, sd)).toThrow(/addNoise: timestep/);
    expect(() => addNoise(f32([1]), f32([1, 2]), 10, sd)).toThrow(/addNoise: noise: expected 1 values/);
  });
});
