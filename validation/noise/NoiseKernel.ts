import type { RampWindow } from '../lowdose/index.js';

/**
 * The reconstruction filter of inserted noise: the ramp's apodisation window and its cutoff (a fraction of the
 * detector Nyquist frequency, the detector pitch being the pixel size). It stands in for the scanner's own kernel:
 * chosen so the inserted noise has the NPS shape of the series' own noise, which is what Yu et al. 2012 get by
 * reconstructing with the scanner's kernel.
 */
export interface NoiseKernel {
  readonly window: RampWindow;
  /** (0, 1]: fraction of the Nyquist frequency of the pixel grid. */
  readonly cutoff: number;
}

/** "hann 0.85": how reports and logs name a kernel. */
export function describeKernel(k: NoiseKernel): string {
  return `${k.window} ${k.cutoff.toFixed(2)}`;
}
