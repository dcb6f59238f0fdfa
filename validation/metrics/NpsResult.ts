/** Noise power spectrum of {@link nps2d}: the radial average, its summary figures, and the 2-D spectrum. */
export interface NpsResult {
  /** Radial bin centres in cycles/mm: b·Δf for b = 1..bins, Δf = f_Nyquist / bins. */
  readonly frequencies: Float64Array;
  /** Radially averaged NPS in HU²·mm² (image units² · mm²), one value per frequency. */
  readonly nps: Float64Array;
  /** Frequency of the largest radial NPS value (the first when tied), cycles/mm. */
  readonly peakFrequency: number;
  /** Σ f·NPS(f) / Σ NPS(f) over the radial bins, cycles/mm (0 when the NPS is zero everywhere). */
  readonly meanFrequency: number;
  /** Integral of the 2-D NPS over all frequencies, Σ NPS(fx, fy)·Δfx·Δfy, in HU²: the detrended noise variance. */
  readonly variance: number;
  /** The 2-D NPS (HU²·mm²), roiHeight x roiWidth, row-major, zero frequency at (roiHeight/2, roiWidth/2). */
  readonly spectrum2d: Float64Array;
  /** ROI columns (Nx). */
  readonly roiWidth: number;
  /** ROI rows (Ny). */
  readonly roiHeight: number;
  /** Number of ROI realisations averaged (images x ROIs). */
  readonly realizations: number;
  /** Width of a radial bin, cycles/mm. */
  readonly binWidth: number;
}
