import { checkLength } from './checkLength.js';
import { validationError } from '../errors.js';
import { createFftPlan, nextPowerOfTwo, type FftPlan } from './fft.js';
import type { ParallelBeamGeometry } from './ParallelBeamGeometry.js';

/**
 * Apodization of the ramp, sharpest first: none (Ram-Lak), sinc (Shepp-Logan), cosine, raised cosine (Hann). With the
 * cutoff they span the noise textures of clinical kernels from edge-enhancing lung kernels to smooth soft-tissue ones.
 */
export type RampWindow = 'ram-lak' | 'shepp-logan' | 'cosine' | 'hann';

/** Every {@link RampWindow}, sharpest first. */
export const RAMP_WINDOWS: readonly RampWindow[] = Object.freeze(['ram-lak', 'shepp-logan', 'cosine', 'hann']);

/** Ramp filter settings. */
export interface RampFilterOptions {
  /** Apodization window; default 'ram-lak'. */
  readonly window?: RampWindow;
  /** Frequency cutoff as a fraction of the detector Nyquist frequency 1/(2Δt), in (0, 1]; default 1. */
  readonly cutoff?: number;
}

/** Frequency response of the discrete ramp filter on a zero-padded grid of `paddedLength` samples. */
export interface RampResponse {
  readonly paddedLength: number;
  /** Real response H[k], k = 0..L-1 (FFT order), already multiplied by Δt. */
  readonly response: Float64Array;
  readonly plan: FftPlan;
}

const RESPONSE_CACHE = new Map<string, RampResponse>();

/**
 * Builds the ramp response the way Kak & Slaney (1988, ch. 3, eqs. 3.61-3.63) prescribe: sample the band-limited
 * spatial Ram-Lak kernel h(0) = 1/(4Δt²), h(nΔt) = -1/(n²π²Δt²) for odd n, 0 for even n ≠ 0, over |n| < D, then
 * take its FFT on L = nextPow2(2D) points. Building it in space rather than sampling |ν| avoids the DC offset and
 * the wrap-around (interperiod) error of a sampled |ν|. The window, with f = k/L cycles per sample and
 * x = f/(cutoff/2), multiplies H for x <= 1 (H = 0 beyond): Shepp-Logan sin(πx/2)/(πx/2), cosine cos(πx/2),
 * Hann (1 + cos πx)/2.
 * Filtering then is q = Δt · (h ⊛ p), so H here already includes the Δt factor.
 * @param detectorCount - D
 * @param detectorSpacingMm - Δt
 * @param options - window and cutoff
 * @throws VAL_ERR_BAD_OPTION on an unknown window or a cutoff outside (0, 1]
 */
export function rampResponse(
  detectorCount: number,
  detectorSpacingMm: number,
  options: RampFilterOptions = {},
): RampResponse {
  const window = options.window ?? 'ram-lak';
  const cutoff = options.cutoff ?? 1;
  if (!RAMP_WINDOWS.includes(window)) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `rampResponse: window: expected ${RAMP_WINDOWS.join('|')}, got ${String(window)}`,
      {
        option: 'window',
      },
    );
  }
  if (!(cutoff > 0 && cutoff <= 1)) {
    throw validationError('VAL_ERR_BAD_OPTION', `rampResponse: cutoff: expected 0 < cutoff <= 1, got ${cutoff}`, {
      option: 'cutoff',
    });
  }
  const key = `${detectorCount}|${detectorSpacingMm}|${window}|${cutoff}`;
  const cached = RESPONSE_CACHE.get(key);
  if (cached !== undefined) return cached;

  const paddedLength = nextPowerOfTwo(2 * detectorCount);
  const plan = createFftPlan(paddedLength);
  const re = new Float64Array(paddedLength);
  const im = new Float64Array(paddedLength);
  const dt = detectorSpacingMm;
  re[0] = 1 / (4 * dt * dt);
  for (let n = 1; n < detectorCount; n += 2) {
    const value = -1 / (n * n * Math.PI * Math.PI * dt * dt);
    re[n] = value;
    re[paddedLength - n] = value;
  }
  plan.transform(re, im, false);
  const response = new Float64Array(paddedLength);
  for (let k = 0; k < paddedLength; k++) {
    const f = Math.min(k, paddedLength - k) / paddedLength;
    const x = f / (cutoff / 2);
    let gain = 1;
    if (x > 1) gain = 0;
    else if (window === 'shepp-logan' && x > 0) gain = Math.sin((Math.PI * x) / 2) / ((Math.PI * x) / 2);
    else if (window === 'cosine') gain = Math.cos((Math.PI * x) / 2);
    else if (window === 'hann') gain = 0.5 * (1 + Math.cos(Math.PI * x));
    response[k] = re[k] * dt * gain;
  }
  const result = { paddedLength, response, plan };
  RESPONSE_CACHE.set(key, result);
  return result;
}

/**
 * Ramp-filters every view of a sinogram: q_v = Δt · (h ⊛ p_v), linear (not circular) convolution thanks to the
 * zero padding to L >= 2D. Two real views share one complex FFT (p_a + i·p_b), valid because H is real and even.
 * @param sinogram - row-major views x detectors
 * @param geom - acquisition geometry
 * @param options - window and cutoff
 * @returns filtered sinogram, same layout, units of the input per mm²
 * @throws VAL_ERR_SIZE_MISMATCH when sinogram.length !== V·D
 */
export function filterSinogram(
  sinogram: Float32Array,
  geom: ParallelBeamGeometry,
  options: RampFilterOptions = {},
): Float32Array {
  const nd = geom.detectorCount;
  const views = geom.viewCount;
  checkLength('filterSinogram', 'sinogram', sinogram, views * nd);
  const { paddedLength, response, plan } = rampResponse(nd, geom.detectorSpacingMm, options);
  const filtered = new Float32Array(views * nd);
  const re = new Float64Array(paddedLength);
  const im = new Float64Array(paddedLength);
  for (let v = 0; v < views; v += 2) {
    const hasPair = v + 1 < views;
    re.fill(0);
    im.fill(0);
    for (let k = 0; k < nd; k++) {
      re[k] = sinogram[v * nd + k];
      if (hasPair) im[k] = sinogram[(v + 1) * nd + k];
    }
    plan.transform(re, im, false);
    for (let k = 0; k < paddedLength; k++) {
      re[k] *= response[k];
      im[k] *= response[k];
    }
    plan.transform(re, im, true);
    for (let k = 0; k < nd; k++) {
      filtered[v * nd + k] = re[k];
      if (hasPair) filtered[(v + 1) * nd + k] = im[k];
    }
  }
  return filtered;
}
