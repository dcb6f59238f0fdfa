import { simulateLowDose } from '../lowdose/index.js';
import { nps2d } from '../metrics/index.js';
import type { CtSliceSource } from './CtSliceSource.js';
import { kernelFromName } from './kernelFromName.js';
import { matchNoiseKernel } from './matchNoiseKernel.js';
import { measureOwnNoise, poolNps, type OwnNoise, type OwnNoiseOptions } from './measureOwnNoise.js';
import type { NoiseKernel } from './NoiseKernel.js';
import type { SeriesNoiseModel } from './SeriesNoiseModel.js';

/** I0 the calibration simulates at; the result scales from it (added variance ∝ 1/I0 without electronic noise). */
const REFERENCE_I0 = 1e5;
const CALIBRATION_DOSE = 0.5;
/** Below this SD (HU) a series counts as noise-free: quantisation alone gives 0.29 HU. */
const NOISE_FREE_SD_HU = 0.5;
/**
 * Slices simulated for the level calibration (each costs a forward projection and an FBP), spread over the sampled
 * ones: the inserted noise grows with the body's width, so three neighbouring slices misjudged a PET/CT series by 10 %.
 */
const CALIBRATION_SLICES = 6;

/** Options of {@link fitSeriesNoise}. */
export interface FitNoiseOptions extends OwnNoiseOptions {
  /** ConvolutionKernel (0018,1210): recorded, and the fallback when no flat region can be measured. */
  readonly convolutionKernel?: string;
  /** Seed of the calibration draws (default 1). */
  readonly seed?: number;
}

/**
 * Fits the noise model of one series (issue "Step 11"): measure its own noise ({@link measureOwnNoise}), choose the
 * kernel whose noise has that NPS shape ({@link matchNoiseKernel}), then set I0 so the inserted noise has the right
 * level: simulate dose 0.5 at I0 = 1e5 without electronic noise on a few sampled slices, measure the inserted noise
 * in the same ROIs, and scale I0 so its variance equals (1/f − 1) · σ_own², the square-root law of quantum noise
 * (Yu et al. 2012 get the same from the scanner's own raw data and tube current). A noise-free series (own SD below
 * 0.5 HU) gets {@link modelFromKernelName} with I0 = 1e5.
 * @returns the model and the own-noise measurement it came from
 */
export async function fitSeriesNoise(
  src: CtSliceSource,
  opts: FitNoiseOptions = {},
): Promise<{ model: SeriesNoiseModel; own: OwnNoise }> {
  const own = await measureOwnNoise(src, opts);
  // a noise-free series (a phantom, a digital reference) has no texture to copy: the kernel comes from its name
  if (!(own.sdHu >= NOISE_FREE_SD_HU)) {
    return { model: modelFromKernelName(opts.convolutionKernel, REFERENCE_I0), own };
  }
  const match = matchNoiseKernel(own.nps.nps, own.roiSize);
  const incidentPhotons = await calibrateIncidentPhotons(src, own, match.kernel, opts.seed ?? 1);
  const model: SeriesNoiseModel = {
    kernel: match.kernel,
    incidentPhotons,
    own: {
      estimator: own.estimator,
      sdHu: own.sdHu,
      npsMeanFrequency: own.nps.meanFrequency,
      npsPeakFrequency: own.nps.peakFrequency,
      roiSize: own.roiSize,
      rois: own.nps.realizations,
    },
    match: {
      distance: match.distance,
      meanFrequency: match.meanFrequency,
      targetMeanFrequency: match.targetMeanFrequency,
    },
    source: 'measured-nps',
    ...(opts.convolutionKernel !== undefined ? { convolutionKernel: opts.convolutionKernel } : {}),
  };
  return { model, own };
}

async function calibrateIncidentPhotons(
  src: CtSliceSource,
  own: OwnNoise,
  kernel: NoiseKernel,
  seed: number,
): Promise<number> {
  const picks = evenly(own.samples, CALIBRATION_SLICES);
  const parts = [];
  for (const [k, sample] of picks.entries()) {
    const hu = await src.frame(sample.slice);
    const low = simulateLowDose(hu, src.width, {
      doseFraction: CALIBRATION_DOSE,
      pixelSizeMm: src.pixelSizeMm,
      seed: seed + k,
      mode: 'from-full-dose',
      window: kernel.window,
      cutoff: kernel.cutoff,
      incidentPhotons: REFERENCE_I0,
      electronicNoiseVariance: 0,
    });
    for (let i = 0; i < low.length; i++) low[i] -= hu[i];
    parts.push(nps2d([low], src.width, src.height, sample.rois, src.pixelSizeMm));
  }
  const inserted = poolNps(parts).variance;
  const target = own.sdHu ** 2 * ((1 - CALIBRATION_DOSE) / CALIBRATION_DOSE);
  return (REFERENCE_I0 * inserted) / target;
}

/** The model of a series whose own noise cannot be measured: the kernel from its name, the default I0. */
export function modelFromKernelName(convolutionKernel: string | undefined, incidentPhotons: number): SeriesNoiseModel {
  const kernel = kernelFromName(convolutionKernel);
  return {
    kernel,
    incidentPhotons,
    own: {
      estimator: 'flat-roi',
      sdHu: Number.NaN,
      npsMeanFrequency: Number.NaN,
      npsPeakFrequency: Number.NaN,
      roiSize: 0,
      rois: 0,
    },
    match: { distance: Number.NaN, meanFrequency: Number.NaN, targetMeanFrequency: Number.NaN },
    source: 'kernel-name',
    ...(convolutionKernel !== undefined ? { convolutionKernel } : {}),
  };
}

/** Up to n items spread evenly over a list, first and last included. */
export function evenly<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, t) => items[Math.round((t * (items.length - 1)) / (n - 1))]);
}
