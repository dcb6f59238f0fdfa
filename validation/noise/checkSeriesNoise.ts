import { deriveSeed, simulateLowDose } from '../lowdose/index.js';
import { nps2d, type NpsResult } from '../metrics/index.js';
import type { CtSliceSource } from './CtSliceSource.js';
import { evenly, fitSeriesNoise, type FitNoiseOptions } from './fitSeriesNoise.js';
import { poolNps } from './measureOwnNoise.js';
import { lowDoseOptionsFor, type SeriesNoiseModel } from './SeriesNoiseModel.js';

/** The doses the square-root law is checked at; 0.25 is also the dose whose NPS is compared. */
export const CHECK_DOSES: readonly number[] = Object.freeze([0.5, 0.25, 0.1]);
const NPS_DOSE = 0.25;
/** Slices simulated per dose (each a forward projection and an FBP of the whole slice). */
const CHECK_SLICES = 4;

/** One dose of the square-root-law check. */
export interface DoseLawRow {
  readonly doseFraction: number;
  /** SD of the inserted noise alone, HU (default electronic noise). */
  readonly insertedSdHu: number;
  /** √(σ_own² + σ_inserted²): the SD of the simulated scan, own and inserted noise being independent. */
  readonly totalSdHu: number;
  /** totalSd / ownSd, against the law's 1/√f. */
  readonly ratio: number;
  readonly law: number;
  /** ratio / law − 1: quantum and electronic noise together (electronic noise adds to the law at low dose). */
  readonly error: number;
  /** The same ratio with quantum noise alone (electronic noise 0): the law the level calibration follows. */
  readonly quantumRatio: number;
  /** quantumRatio / law − 1. */
  readonly quantumError: number;
}

/** What `gsdiff noise-check` reports for one series. */
export interface SeriesNoiseCheck {
  readonly label: string;
  readonly pixelSizeMm: number;
  readonly model: SeriesNoiseModel;
  /** NPS of the series' own noise and of the noise inserted at 25 %, same ROIs. */
  readonly ownNps: NpsResult;
  readonly insertedNps: NpsResult;
  /** insertedNps mean frequency / own − 1. */
  readonly meanFrequencyError: number;
  readonly doseLaw: readonly DoseLawRow[];
}

/**
 * The noise-realism check of one series (issue "Step 11"): fit its noise model, insert noise at 50, 25 and 10 % dose
 * on sampled slices with the project's simulation, and compare the inserted noise with the series' own: NPS mean and
 * peak frequency at 25 % in the same ROIs (default electronic noise), and the SD of the simulated scan against the
 * square-root law, with quantum noise alone (the law) and with the default electronic noise (which adds to it at low
 * dose and high attenuation, as on a real scanner).
 */
export async function checkSeriesNoise(
  src: CtSliceSource,
  opts: FitNoiseOptions & { readonly seed?: number } = {},
): Promise<SeriesNoiseCheck> {
  const seed = opts.seed ?? 20261207;
  const { model, own } = await fitSeriesNoise(src, { ...opts, seed });
  const samples = evenly(own.samples, CHECK_SLICES);
  const byDose = new Map<string, NpsResult[]>();
  for (const { slice, rois } of samples) {
    const hu = await src.frame(slice);
    for (const f of CHECK_DOSES) {
      for (const quantum of [false, true]) {
        const opts = lowDoseOptionsFor(
          model,
          src.pixelSizeMm,
          f,
          deriveSeed(seed, slice * 1000 + Math.round(f * 1000)),
          quantum ? { electronicNoiseVariance: 0 } : {},
        );
        const low = simulateLowDose(hu, src.width, opts);
        for (let i = 0; i < low.length; i++) low[i] -= hu[i];
        const key = `${f}|${quantum}`;
        byDose.set(key, [...(byDose.get(key) ?? []), nps2d([low], src.width, src.height, rois, src.pixelSizeMm)]);
      }
    }
  }
  const ownSd = own.sdHu;
  const sdOf = (f: number, quantum: boolean): number =>
    Math.sqrt(poolNps(byDose.get(`${f}|${quantum}`) as NpsResult[]).variance);
  const doseLaw = CHECK_DOSES.map((f) => {
    const insertedSdHu = sdOf(f, false);
    const totalSdHu = Math.sqrt(ownSd * ownSd + insertedSdHu * insertedSdHu);
    const ratio = totalSdHu / ownSd;
    const quantumRatio = Math.sqrt(ownSd * ownSd + sdOf(f, true) ** 2) / ownSd;
    const law = 1 / Math.sqrt(f);
    return {
      doseFraction: f,
      insertedSdHu,
      totalSdHu,
      ratio,
      law,
      error: ratio / law - 1,
      quantumRatio,
      quantumError: quantumRatio / law - 1,
    };
  });
  const insertedNps = poolNps(byDose.get(`${NPS_DOSE}|false`) as NpsResult[]);
  return {
    label: src.label,
    pixelSizeMm: src.pixelSizeMm,
    model,
    ownNps: own.nps,
    insertedNps,
    meanFrequencyError: insertedNps.meanFrequency / own.nps.meanFrequency - 1,
    doseLaw,
  };
}
