import { modelError } from '../errors.js';

/** Beta schedules of diffusers' DDIMScheduler that this port implements. */
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
/** What the U-Net predicts: the noise ε, the velocity v (Salimans & Ho 2022), or x₀ itself. */
export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';
/** How `setTimesteps` spaces the inference timesteps (Lin et al. 2024, "Common Diffusion Noise Schedules…", Table 2). */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';

/**
 * A diffusers `scheduler_config.json` for `DDIMScheduler`, validated, with diffusers' defaults filled in.
 * Field names are those of the JSON file so a config can be compared with diffusers' by eye.
 */
export interface DdimConfig {
  readonly num_train_timesteps: number;
  readonly beta_start: number;
  readonly beta_end: number;
  readonly beta_schedule: BetaSchedule;
  /** Explicit betas (length num_train_timesteps); when set they replace beta_start/beta_end/beta_schedule. */
  readonly trained_betas: readonly number[] | null;
  readonly clip_sample: boolean;
  readonly clip_sample_range: number;
  readonly set_alpha_to_one: boolean;
  readonly steps_offset: number;
  readonly prediction_type: PredictionType;
  readonly timestep_spacing: TimestepSpacing;
  readonly rescale_betas_zero_snr: boolean;
}

/** diffusers' DDIMScheduler.__init__ defaults (diffusers 0.3x). */
export const DDIM_CONFIG_DEFAULTS: DdimConfig = Object.freeze({
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  trained_betas: null,
  clip_sample: true,
  clip_sample_range: 1.0,
  set_alpha_to_one: true,
  steps_offset: 0,
  prediction_type: 'epsilon',
  timestep_spacing: 'leading',
  rescale_betas_zero_snr: false,
});

const BETA_SCHEDULES: readonly BetaSchedule[] = ['linear', 'scaled_linear', 'squaredcos_cap_v2'];
const PREDICTION_TYPES: readonly PredictionType[] = ['epsilon', 'v_prediction', 'sample'];
const SPACINGS: readonly TimestepSpacing[] = ['leading', 'trailing', 'linspace'];

/**
 * Validates a parsed `scheduler_config.json` (keys diffusers writes but DDIM ignores, such as `_class_name`, are
 * ignored here too) and returns a frozen {@link DdimConfig}. Missing keys take diffusers' defaults.
 * @param raw - the parsed JSON object
 * @param file - where it came from, for messages (default `scheduler_config.json`)
 * @throws MODEL_ERR_PACK_INDEX when a field has the wrong type or range, or asks for an unsupported feature
 *   (`thresholding: true`, an unknown beta_schedule…)
 * @example const config = parseDdimConfig(JSON.parse(readFileSync('scheduler/scheduler_config.json', 'utf8')));
 */
export function parseDdimConfig(raw: unknown, file = 'scheduler_config.json'): DdimConfig {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw modelError(
      'MODEL_ERR_PACK_INDEX',
      `parseDdimConfig: ${file}: ${field}: expected ${expected}, got ${JSON.stringify(got)}`,
      { file, field },
    );
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('$', 'an object', raw);
  const o = raw as Record<string, unknown>;
  const d = DDIM_CONFIG_DEFAULTS;
  const pick = <T>(key: keyof DdimConfig, ok: (v: unknown) => v is T, expected: string, dflt: T): T => {
    const v = o[key];
    if (v === undefined) return dflt;
    return ok(v) ? v : fail(key, expected, v);
  };
  const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
  const oneOf =
    <T extends string>(allowed: readonly T[]) =>
    (v: unknown): v is T =>
      typeof v === 'string' && (allowed as readonly string[]).includes(v);

  const T = pick('num_train_timesteps', isNum, 'an integer >= 1', d.num_train_timesteps);
  if (!Number.isInteger(T) || T < 1) fail('num_train_timesteps', 'an integer >= 1', T);
  const betaStart = pick('beta_start', isNum, 'a number in (0, 1)', d.beta_start);
  const betaEnd = pick('beta_end', isNum, 'a number in (0, 1)', d.beta_end);
  if (!(betaStart > 0 && betaStart < 1)) fail('beta_start', 'a number in (0, 1)', betaStart);
  if (!(betaEnd > 0 && betaEnd < 1)) fail('beta_end', 'a number in (0, 1)', betaEnd);
  const clipRange = pick('clip_sample_range', isNum, 'a number > 0', d.clip_sample_range);
  if (!(clipRange > 0)) fail('clip_sample_range', 'a number > 0', clipRange);
  const stepsOffset = pick('steps_offset', isNum, 'an integer >= 0', d.steps_offset);
  if (!Number.isInteger(stepsOffset) || stepsOffset < 0 || stepsOffset >= T)
    fail('steps_offset', `an integer in [0, ${T - 1}]`, stepsOffset);

  let trained: readonly number[] | null = null;
  const tb = o.trained_betas;
  if (tb !== undefined && tb !== null) {
    if (!Array.isArray(tb) || tb.length !== T || !tb.every((b) => isNum(b) && b > 0 && b < 1))
      fail('trained_betas', `null or ${T} numbers in (0, 1)`, tb);
    trained = Object.freeze([...(tb as number[])]);
  }
  if (o.thresholding !== undefined && o.thresholding !== false)
    fail('thresholding', 'false (dynamic thresholding is not implemented)', o.thresholding);

  return Object.freeze({
    num_train_timesteps: T,
    beta_start: betaStart,
    beta_end: betaEnd,
    beta_schedule: pick('beta_schedule', oneOf(BETA_SCHEDULES), BETA_SCHEDULES.join(' | '), d.beta_schedule),
    trained_betas: trained,
    clip_sample: pick('clip_sample', isBool, 'a boolean', d.clip_sample),
    clip_sample_range: clipRange,
    set_alpha_to_one: pick('set_alpha_to_one', isBool, 'a boolean', d.set_alpha_to_one),
    steps_offset: stepsOffset,
    prediction_type: pick('prediction_type', oneOf(PREDICTION_TYPES), PREDICTION_TYPES.join(' | '), d.prediction_type),
    timestep_spacing: pick('timestep_spacing', oneOf(SPACINGS), SPACINGS.join(' | '), d.timestep_spacing),
    rescale_betas_zero_snr: pick('rescale_betas_zero_snr', isBool, 'a boolean', d.rescale_betas_zero_snr),
  });
}
