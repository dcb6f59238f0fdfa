/** DDIM sampling (Song et al. 2021) configured by a diffusers scheduler_config.json; pure functions. */
export { parseDdimConfig, DDIM_CONFIG_DEFAULTS } from './DdimConfig.js';
export type { DdimConfig, BetaSchedule, PredictionType, TimestepSpacing } from './DdimConfig.js';
export { makeBetas, rescaleZeroTerminalSnr, linspace } from './betas.js';
export { createDdimSchedule } from './createDdimSchedule.js';
export type { DdimSchedule } from './createDdimSchedule.js';
export { setTimesteps, roundHalfEven } from './setTimesteps.js';
export { ddimStep } from './ddimStep.js';
export type { DdimStepInput, DdimStepOutput } from './ddimStep.js';
export { addNoise } from './addNoise.js';
export { matchedTimestep } from './matchedTimestep.js';
