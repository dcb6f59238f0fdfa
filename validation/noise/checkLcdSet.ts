import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validationError } from '../errors.js';
import { deriveSeed, simulateLowDose } from '../lowdose/index.js';
import { nps2d, placeHomogeneousRois, type NpsResult, type Roi } from '../metrics/index.js';
import { matchNoiseKernel } from './matchNoiseKernel.js';
import type { NoiseKernel } from './NoiseKernel.js';

/** The FDA LCD-CT set's layout (../shared/data/ct-lcd-simulated-dose-levels): 256², 1 mm pixels, HU + 1000. */
const SIZE = 256;
const PIXEL_MM = 1;
const OFFSET = 1000;
const REALISATIONS = 10;
const REFERENCE_I0 = 1e5;
/** Our realisations per dose (seeds), each a 'from-truth' simulation of the whole phantom. */
const OUR_SEEDS = 3;

/** One dose of the LCD-CT comparison. */
export interface LcdDoseRow {
  readonly doseFraction: number;
  readonly set: NpsResult;
  readonly ours: NpsResult;
  /** ours mean frequency / set's − 1. */
  readonly meanFrequencyError: number;
  /** ours SD / set's − 1. */
  readonly sdError: number;
}

/** The check of our simulation against the set's independent fan-beam simulation. */
export interface LcdCheck {
  readonly folder: string;
  /** Fitted on the set's 100 % noise only; the 55 % and 10 % rows are predictions. */
  readonly kernel: NoiseKernel;
  readonly incidentPhotons: number;
  readonly rows: readonly LcdDoseRow[];
}

async function raw(file: string, signed: boolean): Promise<Float32Array> {
  let b: Buffer;
  try {
    b = await readFile(file);
  } catch (e) {
    throw validationError('VAL_ERR_BAD_DATA', `${file}: expected a raw LCD-CT image (${String(e)})`, { file });
  }
  if (b.length !== SIZE * SIZE * 2)
    throw validationError(
      'VAL_ERR_BAD_DATA',
      `${file}: expected ${SIZE * SIZE * 2} bytes (256x256 int16), got ${b.length}`,
      {
        file,
      },
    );
  const v = signed
    ? new Int16Array(b.buffer, b.byteOffset, SIZE * SIZE)
    : new Uint16Array(b.buffer, b.byteOffset, SIZE * SIZE);
  return Float32Array.from(v, (x) => x - OFFSET);
}

function doseFolder(f: number): string {
  return `dose_${String(Math.round(f * 100)).padStart(3, '0')}`;
}

/**
 * Compares the noise of the FDA LCD-CT set (an independent fan-beam simulation of the MITA CCT189 phantom, 10
 * realisations per dose) with ours inserted into its ground truth (issue "Step 11"): our kernel and I0 are fitted to
 * the set's 100 % noise alone (NPS shape, then SD), then our 'from-truth' simulation at 55 % and 10 % is compared with
 * the set's own 55 % and 10 % realisations: NPS mean frequency and SD, in the same flat ROIs of the ground truth.
 * @param folder - the set's folder (holding fbp/ground_truth.raw and fbp/dose_NNN/signal_absent/)
 */
export async function checkLcdSet(folder: string, doses: readonly number[] = [1, 0.55, 0.1]): Promise<LcdCheck> {
  const truth = await raw(join(folder, 'fbp', 'ground_truth.raw'), false);
  const rois: Roi[] = placeHomogeneousRois(truth, SIZE, SIZE, {
    count: 12,
    size: 32,
    huRange: [-50, 50],
    stride: 4,
    maxSd: 1,
  });
  const setNps = new Map<number, NpsResult>();
  for (const f of [1, ...doses.filter((d) => d !== 1)]) {
    const noise: Float32Array[] = [];
    for (let r = 1; r <= REALISATIONS; r++) {
      const img = await raw(
        join(folder, 'fbp', doseFolder(f), 'signal_absent', `signal_absent_${String(r).padStart(3, '0')}.raw`),
        true,
      );
      for (let i = 0; i < img.length; i++) img[i] -= truth[i];
      noise.push(img);
    }
    setNps.set(f, nps2d(noise, SIZE, SIZE, rois, PIXEL_MM));
  }
  const full = setNps.get(1) as NpsResult;
  const kernel = matchNoiseKernel(full.nps, 32).kernel;
  const ours = (f: number, i0: number, electronic?: number): NpsResult => {
    const noise = Array.from({ length: OUR_SEEDS }, (_, s) => {
      const low = simulateLowDose(truth, SIZE, {
        doseFraction: f,
        pixelSizeMm: PIXEL_MM,
        seed: deriveSeed(20261207, s * 1000 + Math.round(f * 100)),
        mode: 'from-truth',
        window: kernel.window,
        cutoff: kernel.cutoff,
        incidentPhotons: i0,
        ...(electronic !== undefined ? { electronicNoiseVariance: electronic } : {}),
      });
      for (let i = 0; i < low.length; i++) low[i] -= truth[i];
      return low;
    });
    return nps2d(noise, SIZE, SIZE, rois, PIXEL_MM);
  };
  // variance ∝ 1/I0 away from photon starvation: one quantum-only run at the reference I0 sets the level
  const incidentPhotons = (REFERENCE_I0 * ours(1, REFERENCE_I0, 0).variance) / full.variance;
  const rows = doses.map((f) => {
    const set = setNps.get(f) as NpsResult;
    const o = ours(f, incidentPhotons);
    return {
      doseFraction: f,
      set,
      ours: o,
      meanFrequencyError: o.meanFrequency / set.meanFrequency - 1,
      sdError: Math.sqrt(o.variance / set.variance) - 1,
    };
  });
  return { folder, kernel, incidentPhotons, rows };
}
