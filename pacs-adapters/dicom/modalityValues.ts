import type { GrayFrame } from './DecodedFrame.js';
import type { ImageHeader } from './ImageHeader.js';

/**
 * Applies the Modality LUT (RescaleSlope/Intercept): CT stored values to Hounsfield units.
 * Float32 because slopes need not be integral; CT with slope 1 stays exact (|HU| < 2^24).
 */
export function modalityValues(
  frame: GrayFrame,
  header: Pick<ImageHeader, 'rescaleSlope' | 'rescaleIntercept'>,
): Float32Array {
  const out = new Float32Array(frame.stored.length);
  const m = header.rescaleSlope;
  const b = header.rescaleIntercept;
  for (let i = 0; i < out.length; i++) out[i] = frame.stored[i] * m + b;
  return out;
}
