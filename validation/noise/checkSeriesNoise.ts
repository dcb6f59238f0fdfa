import { deriveSeed, simulateLowDose } from '../lowdose/index.js';
import { nps2d, type NpsResult } from '../metrics/index.js';
import type { CtSliceSource } from './CtSliceSource.js';
import { fitSeriesNoise, type FitNoiseOptions } from './fitSeriesNoise.js';
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
  /** SD of the inserted noise alone, HU. */
  readonly insertedSdHu: number;
  /** √(σ_own² + σ_inserted²): the SD of the simulated scan, own and inserted noise being independent. */
  readonly totalSdHu: number;
  /** totalSd / ownSd, against the law's 1/√f. */
  readonly ratio: number;
  readonly law: number;
  /** ratio / law − 1. */
  readonly error: number;
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
 * on sampled slices with the project's simulation (default electronic noise), and compare the inserted noise with the
 * series' own: NPS mean and peak frequency at 25 % in the same ROIs, and the SD of the simulated scan against the
 * square-root law.
 */
export async function checkSeriesNoise(
  src: CtSliceSource,
  opts: FitNoiseOptions & { readonly seed?: number } = {},
): Promise<SeriesNoiseCheck> {
  const seed = opts.seed ?? 20261207;
  const { model, own } = await fitSeriesNoise(src, { ...opts, seed });
  const samples = own.samples.slice(0, CHECK_SLICES);
  const byDose = new Map<number, NpsResult[]>();
  for (const { slice, rois } of samples) {
    const hu = await src.frame(slice);
    for (const f of CHECK_DOSES) {
      const low = simulateLowDose(
        hu,
        src.width,
        lowDoseOptionsFor(model, src.pixelSizeMm, f, deriveSeed(seed, slice * 1000 + Math.round(f * 1000))),
      );
      for (let i = 0; i < low.length; i++) low[i] -= hu[i];
      const list = byDose.get(f) ?? [];
      list.push(nps2d([low], src.width, src.height, rois, src.pixelSizeMm));
      byDose.set(f, list);
    }
  }
  const ownSd = own.sdHu;
  const doseLaw = CHECK_DOSES.map((f) => {
    const insertedSdHu = Math.sqrt(poolNps(byDose.get(f) as NpsResult[]).variance);
    const totalSdHu = Math.sqrt(ownSd * ownSd + insertedSdHu * insertedSdHu);
    const ratio = totalSdHu / ownSd;
    const law = 1 / Math.sqrt(f);
    return { doseFraction: f, insertedSdHu, totalSdHu, ratio, law, error: ratio / law - 1 };
  });
  const insertedNps = poolNps(byDose.get(NPS_DOSE) as NpsResult[]);
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
