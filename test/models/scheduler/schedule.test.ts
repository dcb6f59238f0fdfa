import {
  createDdimSchedule,
  makeBetas,
  parseDdimConfig,
  DDIM_CONFIG_DEFAULTS,
} from '../../../models/scheduler/index.js';
import { ModelError } from '../../../models/errors.js';
import { SD_CONFIG } from './sdConfig.js';

/** ᾱ_t computed here from the formulas, independently of the module. */
function referenceAlphasCumprod(kind: 'linear' | 'scaled_linear', start: number, end: number, T: number): number[] {
  const out: number[] = [];
  let prod = 1;
  for (let i = 0; i < T; i++) {
    const beta =
      kind === 'linear'
        ? start + ((end - start) * i) / (T - 1)
        : (Math.sqrt(start) + ((Math.sqrt(end) - Math.sqrt(start)) * i) / (T - 1)) ** 2;
    prod *= 1 - beta;
    out.push(prod);
  }
  return out;
}

describe('createDdimSchedule', () => {
  it('matches golden alphas_cumprod of the SD config (scaled_linear)', () => {
    const s = createDdimSchedule(SD_CONFIG);
    expect(s.alphasCumprod).toHaveLength(1000);
    expect(s.alphasCumprod[0]).toBeCloseTo(0.99915, 12);
    // Golden values (numpy float64); diffusers' float32 gives 0.0046600895 and 0.27633256.
    expect(s.alphasCumprod[999]).toBeCloseTo(0.004660098513077238, 12);
    expect(s.alphasCumprod[500]).toBeCloseTo(0.2763326838229746, 12);
    expect(s.alphasCumprod[751]).toBeCloseTo(0.05571902929837482, 12);
    expect(Math.abs(s.alphasCumprod[999] - 0.0046600895) / 0.0046600895).toBeLessThan(1e-5);
    const ref = referenceAlphasCumprod('scaled_linear', 0.00085, 0.012, 1000);
    for (let t = 0; t < 1000; t++) expect(Math.abs(s.alphasCumprod[t] - ref[t])).toBeLessThan(1e-12);
    // set_alpha_to_one: false -> the final ᾱ is ᾱ_0
    expect(s.finalAlphaCumprod).toBe(s.alphasCumprod[0]);
  });

  it('matches the linear schedule (diffusers defaults) and set_alpha_to_one', () => {
    const s = createDdimSchedule({});
    const ref = referenceAlphasCumprod('linear', 0.0001, 0.02, 1000);
    for (let t = 0; t < 1000; t++) expect(Math.abs(s.alphasCumprod[t] - ref[t])).toBeLessThan(1e-12);
    expect(s.alphasCumprod[999]).toBeCloseTo(4.035829765375676e-5, 15);
    expect(s.finalAlphaCumprod).toBe(1);
    expect(s.config).toEqual(DDIM_CONFIG_DEFAULTS);
  });

  it('is strictly decreasing and in (0, 1)', () => {
    const a = createDdimSchedule(SD_CONFIG).alphasCumprod;
    for (let t = 1; t < a.length; t++) expect(a[t]).toBeLessThan(a[t - 1]);
    expect(a[999]).toBeGreaterThan(0);
  });

  it('supports squaredcos_cap_v2 (betas capped at 0.999) and trained_betas', () => {
    const cos = makeBetas(parseDdimConfig({ beta_schedule: 'squaredcos_cap_v2' }));
    const f = (t: number): number => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    expect(cos[0]).toBeCloseTo(1 - f(1 / 1000) / f(0), 14);
    expect(cos[999]).toBe(0.999);
    const trained = Array.from({ length: 10 }, (_, i) => 0.01 * (i + 1));
    const s = createDdimSchedule({ num_train_timesteps: 10, trained_betas: trained });
    expect(Array.from(s.betas)).toEqual(trained);
    expect(s.alphasCumprod[1]).toBeCloseTo(0.99 * 0.98, 15);
  });

  it('rescale_betas_zero_snr gives zero terminal SNR and keeps ᾱ_0', () => {
    const plain = createDdimSchedule(SD_CONFIG);
    const z = createDdimSchedule({ ...SD_CONFIG, rescale_betas_zero_snr: true });
    expect(z.alphasCumprod[999]).toBeCloseTo(0, 15);
    expect(z.alphasCumprod[0]).toBeCloseTo(plain.alphasCumprod[0], 12);
  });
});

describe('parseDdimConfig', () => {
  it('ignores diffusers bookkeeping keys and fills defaults', () => {
    const c = parseDdimConfig(SD_CONFIG);
    expect(c.prediction_type).toBe('epsilon');
    expect(c.timestep_spacing).toBe('leading');
    expect(c.clip_sample_range).toBe(1);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it.each([
    [{ beta_schedule: 'cosine' }, 'beta_schedule'],
    [{ prediction_type: 'x0' }, 'prediction_type'],
    [{ timestep_spacing: 'even' }, 'timestep_spacing'],
    [{ num_train_timesteps: 0 }, 'num_train_timesteps'],
    [{ num_train_timesteps: 10.5 }, 'num_train_timesteps'],
    [{ beta_start: -1 }, 'beta_start'],
    [{ clip_sample: 'yes' }, 'clip_sample'],
    [{ clip_sample_range: 0 }, 'clip_sample_range'],
    [{ steps_offset: -1 }, 'steps_offset'],
    [{ trained_betas: [0.1, 0.2] }, 'trained_betas'],
    [{ thresholding: true }, 'thresholding'],
  ])('refuses %j', (cfg, field) => {
    try {
      parseDdimConfig(cfg, 'pack/scheduler/scheduler_config.json');
      throw new Error('no throw');
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      const err = e as ModelError;
      expect(err.code).toBe('MODEL_ERR_PACK_INDEX');
      expect(err.details.field).toBe(field);
      expect(err.message).toMatch(/^parseDdimConfig: pack\/scheduler\/scheduler_config.json: /);
    }
  });

  it('refuses a non-object', () => {
    expect(() => parseDdimConfig([1, 2])).toThrow(/expected an object/);
  });
});
