import { validationError } from '../errors.js';
import type { HuWindow } from './HuWindow.js';

/**
 * Builds the window [center - width/2, center + width/2]. This is the plain centre/width convention, not DICOM's
 * linear VOI function (PS3.3 C.11.2.1.2, which uses center - 0.5 and width - 1 for display): for metrics the data
 * range must be exactly the width (C50/W400 → [-150, 250], L = 400).
 * @param center - window centre (level), finite
 * @param width - window width, finite and > 0
 * @param name - label; defaults to `C<center>/W<width>`
 * @throws VAL_ERR_BAD_OPTION when center is not finite or width is not a finite value > 0
 * @example windowFromCenterWidth(-600, 1500, 'chest') // { low: -1350, high: 150, name: 'chest' }
 */
export function windowFromCenterWidth(center: number, width: number, name?: string): HuWindow {
  if (!Number.isFinite(center)) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `windowFromCenterWidth: center: expected a finite number, got ${center}`,
      {
        option: 'center',
      },
    );
  }
  if (!(width > 0 && Number.isFinite(width))) {
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `windowFromCenterWidth: width: expected a finite value > 0, got ${width}`,
      {
        option: 'width',
      },
    );
  }
  return Object.freeze({ low: center - width / 2, high: center + width / 2, name: name ?? `C${center}/W${width}` });
}

/**
 * The windows of issue "Step 7" (validation):
 * - `metric`: [-160, 240] HU, data range 400 — the usual low-dose CT denoising benchmark window (C40/W400);
 * - `chest`: C-600/W1500 → [-1350, 150] HU (lung);
 * - `abdomen`: C50/W400 → [-150, 250] HU (soft tissue);
 * - `neuro`: C40/W80 → [0, 80] HU (brain).
 */
export const HU_WINDOWS: {
  readonly metric: HuWindow;
  readonly chest: HuWindow;
  readonly abdomen: HuWindow;
  readonly neuro: HuWindow;
} = Object.freeze({
  metric: Object.freeze({ low: -160, high: 240, name: 'metric' }),
  chest: windowFromCenterWidth(-600, 1500, 'chest'),
  abdomen: windowFromCenterWidth(50, 400, 'abdomen'),
  neuro: windowFromCenterWidth(40, 80, 'neuro'),
});
