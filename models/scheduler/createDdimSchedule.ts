import { parseDdimConfig, type DdimConfig } from './DdimConfig.js';
import { makeBetas } from './betas.js';

/**
 * The fixed noise schedule of a DDIM config: everything `ddimStep` and `addNoise` need besides the inputs.
 * Treat the arrays as read-only (typed arrays cannot be frozen).
 */
export interface DdimSchedule {
  readonly config: DdimConfig;
  /** β_1..β_T, index t = 0..T−1. */
  readonly betas: Float64Array;
  /** ᾱ_t = Π_{s ≤ t} (1 − β_s) (Ho et al. 2020, eq. 4 notation; Song et al. 2021 write α_t for it). */
  readonly alphasCumprod: Float64Array;
  /** ᾱ used for the step that lands before t = 0: 1 with `set_alpha_to_one`, else ᾱ_0 (diffusers). */
  readonly finalAlphaCumprod: number;
}

/**
 * Builds the DDIM noise schedule from a diffusers `scheduler_config.json` object (validated here; diffusers'
 * defaults fill missing keys).
 * @param config - the parsed JSON (a {@link DdimConfig} or any subset of it; extra diffusers keys are ignored)
 * @param file - where the config came from, for error messages
 * @throws MODEL_ERR_PACK_INDEX when the config is invalid
 * @example
 * const schedule = createDdimSchedule({ beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 });
 * schedule.alphasCumprod[0]; // 0.99915
 */
export function createDdimSchedule(
  config: Readonly<Partial<DdimConfig>> | Readonly<Record<string, unknown>>,
  file?: string,
): DdimSchedule {
  const parsed = parseDdimConfig(config, file);
  const betas = makeBetas(parsed);
  const alphasCumprod = new Float64Array(betas.length);
  let prod = 1;
  for (let i = 0; i < betas.length; i++) {
    prod *= 1 - betas[i];
    alphasCumprod[i] = prod;
  }
  return Object.freeze({
    config: parsed,
    betas,
    alphasCumprod,
    finalAlphaCumprod: parsed.set_alpha_to_one ? 1 : alphasCumprod[0],
  });
}
