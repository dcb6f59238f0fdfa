import type { OpenCv } from '../../models/index.js';
import {
  cnr,
  flicker,
  HU_WINDOWS,
  nps2d,
  psnr,
  roiStats,
  ssim,
  temporalDifferenceEnergy,
  warpingError,
  type HuWindow,
  type Roi,
} from '../metrics/index.js';
import type { FrameContext } from './FrameContext.js';
import type { MethodSummary, SliceRow } from './MethodResult.js';

/** The CT windows every paired figure is given in (validation/README.md). */
export const CT_WINDOWS: readonly HuWindow[] = [
  HU_WINDOWS.metric,
  HU_WINDOWS.chest,
  HU_WINDOWS.abdomen,
  HU_WINDOWS.neuro,
];
export const RGB_WINDOW: HuWindow = { low: 0, high: 255, name: '8-bit' };
/** Inside the reconstruction circle: padding outside it (-3024 / -2000 on most scanners) is left out of RMSE. */
export const FOV_MIN_HU = -1500;

/** Mean of the finite values (NaN marks a figure that does not apply to a frame, e.g. no ROI could be placed). */
function mean(xs: readonly number[]): number {
  const ok = xs.filter((x) => Number.isFinite(x));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
}

function crop(img: Float32Array, width: number, r: Roi): Float32Array {
  const out = new Float32Array(r.width * r.height);
  for (let y = 0; y < r.height; y++)
    out.set(img.subarray((r.y + y) * width + r.x, (r.y + y) * width + r.x + r.width), y * r.width);
  return out;
}

/**
 * The figures of one method, frame by frame as its frames arrive (only the previous frame is kept): per-slice PSNR /
 * SSIM in every window, RMSE, ROI noise, CNR, adjacent-pair flicker (or temporal difference energy) and, for colour,
 * warping error; NPS ROI crops are kept (small) and the spectrum is taken at the end. Every figure comes from
 * validation/metrics, the project's one implementation.
 */
export class MethodAccumulator {
  private readonly rows: SliceRow[] = [];
  private readonly npsCrops: Float32Array[] = [];
  private npsSize = 0;
  private prev?: { out: Float32Array; ctx: FrameContext };
  private sqErr = 0;
  private sqCount = 0;
  private flickerSq: number[] = [];
  /** Per window: Σ n_k·MSE_k and Σ n_k over frames, from each frame's PSNR, for the pooled PSNR. */
  private readonly pooled = new Map<string, { se: number; n: number; range: number }>();
  private warpSq: number[] = [];

  constructor(
    private readonly kind: 'ct' | 'rgb',
    private readonly width: number,
    private readonly height: number,
    private readonly pixelSpacingMm: readonly [number, number],
    private readonly cv: OpenCv | undefined,
    private readonly positions?: readonly number[],
  ) {}

  /** Adds frame `ctx.index` of the method's output (HU, or luma for colour). Frames must come in order. */
  add(out: Float32Array, ctx: FrameContext): void {
    const { width: w, height: h } = this;
    const ref = ctx.reference;
    const windows = this.kind === 'ct' ? CT_WINDOWS : [RGB_WINDOW];
    const ps: Record<string, number> = {};
    const ss: Record<string, number> = {};
    // PSNR and RMSE inside the reconstruction circle, as `gsdiff evaluate` (docs/RESULTS.md) measures them: the
    // padding outside it is equal in both images and would otherwise inflate PSNR.
    const fov = ref && this.kind === 'ct' ? Uint8Array.from(ref, (v) => (v > FOV_MIN_HU ? 1 : 0)) : undefined;
    const pixels = fov ? fov.reduce((a, b) => a + b, 0) : w * h;
    for (const win of windows) {
      ps[win.name] = ref ? psnr(ref, out, win, fov) : NaN;
      if (ref) {
        const range = win.high - win.low;
        const p = this.pooled.get(win.name) ?? { se: 0, n: 0, range };
        p.se += ps[win.name] === Infinity ? 0 : pixels * ((range * range) / 10 ** (ps[win.name] / 10));
        p.n += pixels;
        this.pooled.set(win.name, p);
      }
      ss[win.name] = ref ? ssim(ref, out, w, h, win) : NaN;
    }
    let rmse = NaN;
    if (ref) {
      let s = 0;
      let n = 0;
      for (let i = 0; i < ref.length; i++) {
        if (this.kind === 'ct' && ref[i] < FOV_MIN_HU) continue;
        const d = out[i] - ref[i];
        s += d * d;
        n++;
      }
      this.sqErr += s;
      this.sqCount += n;
      rmse = n ? Math.sqrt(s / n) : NaN;
    }
    const noiseSd = ctx.noiseRois.length ? mean(ctx.noiseRois.map((r) => roiStats(out, w, h, r).sd)) : NaN;
    const c = ctx.cnr ? cnr(out, w, h, ctx.cnr.signal, ctx.cnr.background) : NaN;
    let flickerPair = NaN;
    let warpPair = NaN;
    if (this.prev) {
      const p = this.prev;
      const win = this.kind === 'ct' ? HU_WINDOWS.metric : RGB_WINDOW;
      flickerPair =
        ref && p.ctx.reference
          ? flicker([p.out, out], [p.ctx.reference, ref], win)
          : temporalDifferenceEnergy([p.out, out], win);
      this.flickerSq.push(flickerPair * flickerPair);
      if (this.kind === 'rgb' && this.cv) {
        const guide = ref && p.ctx.reference ? [p.ctx.reference, ref] : [p.ctx.input, ctx.input];
        warpPair = warpingError(this.cv, [p.out, out], guide, w, h).value;
        this.warpSq.push(warpPair * warpPair);
      }
    }
    // Paired: the noise the method left (output - reference); no reference: the output itself, detrended.
    for (const r of ctx.npsRois) {
      const o = crop(out, w, r);
      if (ref) {
        const rr = crop(ref, w, r);
        for (let i = 0; i < o.length; i++) o[i] -= rr[i];
      }
      this.npsCrops.push(o);
      this.npsSize = r.width;
    }
    this.rows.push({
      index: ctx.index,
      ...(this.positions ? { position: this.positions[ctx.index] } : {}),
      psnr: ps,
      ssim: ss,
      rmse,
      noiseSd,
      cnr: c,
      flickerPair,
      warpPair,
    });
    this.prev = { out, ctx };
  }

  /** The per-slice table. */
  table(): readonly SliceRow[] {
    return this.rows;
  }

  /** The per-series summary; `seconds` is the method's own run time. */
  summary(seconds: number): MethodSummary {
    const rows = this.rows;
    const names = Object.keys(rows[0]?.psnr ?? {});
    const per = (pick: (r: SliceRow) => Readonly<Record<string, number>>): Record<string, number> =>
      Object.fromEntries(names.map((n) => [n, mean(rows.map((r) => pick(r)[n]))]));
    const rms = (xs: number[]): number => (xs.length ? Math.sqrt(xs.reduce((a, b) => a + b, 0) / xs.length) : NaN);
    let nps: MethodSummary['nps'];
    if (this.npsCrops.length) {
      const s = this.npsSize;
      // One realisation per crop: each crop is an image of its own with one full-size ROI.
      const full = [{ x: 0, y: 0, width: s, height: s }];
      const pixelMm = Math.sqrt(this.pixelSpacingMm[0] * this.pixelSpacingMm[1]);
      const r = nps2d(this.npsCrops, s, s, full, pixelMm, { detrend: 'poly2' });
      nps = {
        frequencies: r.frequencies,
        nps: r.nps,
        peakFrequency: r.peakFrequency,
        meanFrequency: r.meanFrequency,
        variance: r.variance,
        roiWidth: r.roiWidth,
        roiHeight: r.roiHeight,
        realizations: r.realizations,
        binWidth: r.binWidth,
      };
    }
    return {
      // A frame identical to its reference has PSNR +∞; then so has the mean, and the pooled PSNR stays comparable.
      psnr: Object.fromEntries(
        names.map((n) => {
          const v = rows.map((r) => r.psnr[n]);
          return [n, v.includes(Infinity) ? Infinity : mean(v)];
        }),
      ),
      psnrPooled: Object.fromEntries(
        [...this.pooled].map(([n, p]) => [
          n,
          p.se > 0 ? 10 * Math.log10((p.range * p.range) / (p.se / p.n)) : Infinity,
        ]),
      ),
      ssim: per((r) => r.ssim),
      rmse: this.sqCount ? Math.sqrt(this.sqErr / this.sqCount) : NaN,
      noiseSd: mean(rows.map((r) => r.noiseSd)),
      cnr: mean(rows.map((r) => r.cnr)),
      flicker: rms(this.flickerSq),
      warpingError: rms(this.warpSq),
      ...(nps ? { nps } : {}),
      seconds,
      framesPerSecond: seconds > 0 ? rows.length / seconds : NaN,
    };
  }
}
