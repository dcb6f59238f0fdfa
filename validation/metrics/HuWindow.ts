/**
 * A display / metric window: values are clamped to [low, high] before a windowed metric is computed, and the data
 * range of PSNR and SSIM is L = high - low. Units are those of the images (HU for CT; any unit for grey or RGB data
 * given an explicit range, e.g. { low: 0, high: 255 }).
 */
export interface HuWindow {
  /** Lower clamp bound (window centre - width / 2). */
  readonly low: number;
  /** Upper clamp bound (window centre + width / 2); must be > low. */
  readonly high: number;
  /** Label used in reports and CSV columns, e.g. 'metric', 'chest', 'C40/W80'. */
  readonly name: string;
}
