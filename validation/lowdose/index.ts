// The generator lives in common/ (restoration draws its noise from it too); re-exported for validation's users.
export { createRng, deriveSeed } from '../../common/index.js';
export type { Rng } from '../../common/index.js';
export { createFftPlan, nextPowerOfTwo } from './fft.js';
export type { FftPlan } from './fft.js';
export type { ParallelBeamGeometry } from './ParallelBeamGeometry.js';
export { createParallelBeamGeometry, DEFAULT_VIEW_COUNT, DETECTOR_PADDING_BINS } from './createGeometry.js';
export type { GeometryOptions } from './createGeometry.js';
export { forwardProject, projectAdjoint } from './projector.js';
export { backproject } from './backproject.js';
export { rampResponse, filterSinogram, RAMP_WINDOWS } from './rampFilter.js';
export type { RampWindow, RampFilterOptions, RampResponse } from './rampFilter.js';
export { fbp } from './fbp.js';
export { MU_WATER_PER_MM, huToMu, muDeltaToHu } from './attenuation.js';
export { transmissionNoiseSinogram } from './transmissionNoise.js';
export type { DetectorNoiseModel } from './transmissionNoise.js';
export { yuAddedVariance, yuNoiseSinogram } from './yuNoise.js';
export { simulateLowDose, simulateLowDoseSeries, LOW_DOSE_DEFAULTS } from './simulateLowDose.js';
export type { LowDoseOptions, LowDoseMode } from './LowDoseOptions.js';
