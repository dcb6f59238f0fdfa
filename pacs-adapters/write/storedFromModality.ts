import type { ImageHeader } from '../dicom/ImageHeader.js';

export interface StoredConversion {
  readonly values: Int16Array | Uint16Array | Int8Array | Uint8Array;
  /** Pixels whose value fell outside what BitsStored can hold through the source rescale, and were clamped. */
  readonly clipped: number;
}

/**
 * Inverse Modality LUT: values (HU for CT) back to stored values through the source RescaleSlope/Intercept,
 * rounded and clamped to the BitsStored range, so a derived slice reads in the same units as its source.
 */
export function storedFromModality(
  values: Float32Array,
  h: Pick<ImageHeader, 'rescaleSlope' | 'rescaleIntercept' | 'bitsStored' | 'bitsAllocated' | 'pixelRepresentation'>,
): StoredConversion {
  const signed = h.pixelRepresentation === 1;
  const bits = h.bitsStored;
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const n = values.length;
  const out =
    h.bitsAllocated <= 8
      ? signed
        ? new Int8Array(n)
        : new Uint8Array(n)
      : signed
        ? new Int16Array(n)
        : new Uint16Array(n);
  const m = h.rescaleSlope;
  const b = h.rescaleIntercept;
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    let v = Math.round((values[i] - b) / m);
    if (v < min) {
      v = min;
      clipped++;
    } else if (v > max) {
      v = max;
      clipped++;
    } else if (Number.isNaN(v)) {
      v = min;
      clipped++;
    }
    out[i] = v;
  }
  return { values: out, clipped };
}
