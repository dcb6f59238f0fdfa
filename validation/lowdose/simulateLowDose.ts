import { huToMu, MU_WATER_PER_MM } from './attenuation.js';
import { checkLength } from './checkLength.js';
import { createParallelBeamGeometry, DEFAULT_VIEW_COUNT } from './createGeometry.js';
import { validationError } from '../errors.js';
import { fbp } from './fbp.js';
import type { LowDoseOptions } from './LowDoseOptions.js';
import type { ParallelBeamGeometry } from './ParallelBeamGeometry.js';
import { forwardProject } from './projector.js';
import { createRng, deriveSeed } from '../../common/index.js';
import { transmissionNoiseSinogram, type DetectorNoiseModel } from './transmissionNoise.js';
import { yuNoiseSinogram } from './yuNoise.js';

/** Defaults of the optional {@link LowDoseOptions} fields. */
export const LOW_DOSE_DEFAULTS = Object.freeze({
  incidentPhotons: 1e5,
  electronicNoiseVariance: 10,
  countFloor: 1,
  muWaterPerMm: MU_WATER_PER_MM,
  viewCount: DEFAULT_VIEW_COUNT,
  window: 'hann' as const,
  cutoff: 1,
});

const GEOMETRY_CACHE = new Map<string, ParallelBeamGeometry>();

function geometryFor(size: number, pixelSizeMm: number, viewCount: number): ParallelBeamGeometry {
  const key = `${size}|${pixelSizeMm}|${viewCount}`;
  let geom = GEOMETRY_CACHE.get(key);
  if (geom === undefined) {
    geom = createParallelBeamGeometry(size, pixelSizeMm, { viewCount });
    if (GEOMETRY_CACHE.size > 16) GEOMETRY_CACHE.clear();
    GEOMETRY_CACHE.set(key, geom);
  }
  return geom;
}

function badOption(option: string, expected: string, got: unknown): never {
  throw validationError('VAL_ERR_BAD_OPTION', `simulateLowDose: ${option}: expected ${expected}, got ${String(got)}`, {
    option,
  });
}

function positiveFinite(value: number): boolean {
  return value > 0 && Number.isFinite(value);
}

/** Validates and completes the options once (defaults applied), before any work. */
function resolveOptions(opts: LowDoseOptions): Required<LowDoseOptions> {
  const o = { ...LOW_DOSE_DEFAULTS, ...stripUndefined(opts) } as Required<LowDoseOptions>;
  if (!(o.doseFraction > 0 && o.doseFraction <= 1)) badOption('doseFraction', '0 < f <= 1', o.doseFraction);
  if (!positiveFinite(o.pixelSizeMm)) badOption('pixelSizeMm', 'a finite value > 0', o.pixelSizeMm);
  if (!Number.isSafeInteger(o.seed)) badOption('seed', 'a safe integer', o.seed);
  if (o.mode !== 'from-truth' && o.mode !== 'from-full-dose') badOption('mode', 'from-truth|from-full-dose', o.mode);
  if (!positiveFinite(o.incidentPhotons)) badOption('incidentPhotons', 'a finite value > 0', o.incidentPhotons);
  if (!(o.electronicNoiseVariance >= 0 && Number.isFinite(o.electronicNoiseVariance))) {
    badOption('electronicNoiseVariance', 'a finite value >= 0', o.electronicNoiseVariance);
  }
  if (!positiveFinite(o.countFloor)) badOption('countFloor', 'a finite value > 0', o.countFloor);
  if (!positiveFinite(o.muWaterPerMm)) badOption('muWaterPerMm', 'a finite value > 0', o.muWaterPerMm);
  return o;
}

function stripUndefined(opts: LowDoseOptions): Partial<LowDoseOptions> {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as Partial<LowDoseOptions>;
}

/**
 * Simulates a lower-dose acquisition of one axial CT slice in the projection domain, the one implementation the
 * project uses for training, validation and demos.
 *
 * 1. μ = μ_water·(1 + HU/1000), clamped at 0; p = forwardProject(μ) (parallel beam, Joseph).
 * 2. Noise sinogram δp:
 *    - 'from-truth': counts N = Poisson(f·I0·e^{-p}) + N(0, σe²), N ← max(N, countFloor),
 *      δp = -ln(N/(f·I0)) - p (see `transmissionNoiseSinogram`);
 *    - 'from-full-dose': δp ~ N(0, σ_add²(p)) with Yu et al. 2012's
 *      σ_add² = ((1-f)/f)·(e^p/I0)·(1 + ((1+f)/f)·σe²·e^p/I0) (see `yuAddedVariance`).
 * 3. δμ = FBP(δp) with the chosen ramp window; output HU = input HU + 1000·δμ/μ_water.
 * Only noise is reconstructed and added, so the input's resolution and values are kept exactly where the noise is 0
 * (doseFraction = 1 in 'from-full-dose' returns a copy of the input).
 * @param hu - size x size row-major slice in HU
 * @param size - slice width = height in pixels
 * @param opts - dose fraction, pixel size, seed, mode and optional detector/reconstruction settings
 * @returns the lower-dose slice in HU, a new Float32Array
 * @throws VAL_ERR_BAD_OPTION when an option is out of range
 * @throws VAL_ERR_SIZE_MISMATCH when hu.length !== size²
 * @throws VAL_ERR_BAD_INPUT when hu holds a non-finite value
 * @example const quarter = simulateLowDose(slice, 512, { doseFraction: 0.25, pixelSizeMm: 0.7, seed: 7, mode: 'from-full-dose' });
 */
export function simulateLowDose(hu: Float32Array, size: number, opts: LowDoseOptions): Float32Array {
  const o = resolveOptions(opts);
  if (!Number.isInteger(size) || size < 2) badOption('size', 'an integer >= 2', size);
  checkLength('simulateLowDose', 'hu', hu, size * size);

  // 1. attenuation and line integrals
  const geom = geometryFor(size, o.pixelSizeMm, o.viewCount);
  const p = forwardProject(huToMu(hu, o.muWaterPerMm), geom);

  // 2. noise in the line-integral domain
  const model: DetectorNoiseModel = {
    doseFraction: o.doseFraction,
    incidentPhotons: o.incidentPhotons,
    electronicNoiseVariance: o.electronicNoiseVariance,
    countFloor: o.countFloor,
  };
  const rng = createRng(o.seed);
  const noiseSinogram =
    o.mode === 'from-truth' ? transmissionNoiseSinogram(p, model, rng) : yuNoiseSinogram(p, model, rng);

  // 3. reconstruct the noise only and add it in HU
  const noiseMu = fbp(noiseSinogram, geom, { window: o.window, cutoff: o.cutoff });
  const out = new Float32Array(hu.length);
  const toHu = 1000 / o.muWaterPerMm;
  for (let i = 0; i < hu.length; i++) out[i] = hu[i] + noiseMu[i] * toHu;
  return out;
}

/**
 * {@link simulateLowDose} over the slices of a series, slice k drawing its noise from
 * deriveSeed(opts.seed, firstSliceIndex + k), so a series processed in chunks equals one processed at once.
 * @param slices - size x size HU slices in series order
 * @param size - slice width = height in pixels
 * @param opts - as for simulateLowDose; `seed` is the series seed
 * @param firstSliceIndex - index of slices[0] within the whole series; default 0
 * @returns one lower-dose slice per input slice
 * @throws as simulateLowDose
 */
export function simulateLowDoseSeries(
  slices: readonly Float32Array[],
  size: number,
  opts: LowDoseOptions,
  firstSliceIndex = 0,
): Float32Array[] {
  resolveOptions(opts);
  if (!Number.isSafeInteger(firstSliceIndex) || firstSliceIndex < 0) {
    badOption('firstSliceIndex', 'an integer >= 0', firstSliceIndex);
  }
  return slices.map((slice, k) =>
    simulateLowDose(slice, size, { ...opts, seed: deriveSeed(opts.seed, firstSliceIndex + k) }),
  );
}
