import { ValidationError, validationError } from '../errors.js';
import { deriveSeed, simulateLowDose } from '../lowdose/index.js';
import { lowDoseOptionsFor, type SeriesNoiseModel } from '../noise/index.js';
import { placeHomogeneousRois, type Roi } from '../metrics/index.js';
import type { FrameContext } from './FrameContext.js';
import { luma } from './luma.js';
import type { ValidationSeries } from './ValidationSeries.js';

export interface FrameContextOptions {
  readonly reference?: ValidationSeries;
  readonly input: ValidationSeries;
  readonly simulateDose?: number;
  /** The reference's noise model (validation/noise): the simulated input gets the reference's own noise texture. */
  readonly noiseModel?: SeriesNoiseModel;
  readonly seed: number;
  readonly noiseRois?: readonly Roi[];
  readonly cnrSignal?: Roi;
  readonly cnrBackground?: Roi;
  readonly npsRoiSize: number;
}

/** Automatic ROI placement: soft tissue for CT, mid-grey for colour (validation/README.md, "gsdiff validate"). */
const CT_RANGE: [number, number] = [-100, 200];
const RGB_RANGE: [number, number] = [20, 235];
/** Automatic CT CNR bands: fat against soft tissue; 8-px squares fit small inserts. */
const CNR_BANDS: [[number, number], [number, number]] = [
  [-150, -50],
  [0, 100],
];
const CNR_ROI_SIZE = 8;

function orNone(place: () => Roi[]): Roi[] {
  try {
    return place();
  } catch (e) {
    if (e instanceof ValidationError && e.code === 'VAL_ERR_NO_ROI') return [];
    throw e;
  }
}

/**
 * The per-frame context every method is measured against: reference and input frames (the input simulated from the
 * reference with the project's projection-domain low-dose simulation when asked, computed once and kept), and ROIs
 * placed once per frame on the reference (or on the input without one), so every method is measured in the same
 * places.
 */
export class FrameContexts {
  private readonly simulated = new Map<number, Float32Array>();
  private readonly rois = new Map<number, Pick<FrameContext, 'noiseRois' | 'cnr' | 'npsRois'>>();

  constructor(private readonly o: FrameContextOptions) {}

  /** The degraded input frame i in stored units (HU or RGB bytes): what the methods restore. */
  async inputFrame(i: number): Promise<Float32Array | Uint8Array> {
    const { reference, input, simulateDose } = this.o;
    if (simulateDose === undefined || !reference) return input.frame(i);
    let f = this.simulated.get(i);
    if (!f) {
      const hu = (await reference.frame(i)) as Float32Array;
      const pixel = reference.pixelSpacingMm[1];
      f = simulateLowDose(
        hu,
        reference.width,
        this.o.noiseModel
          ? lowDoseOptionsFor(this.o.noiseModel, pixel, simulateDose, deriveSeed(this.o.seed, i))
          : {
              doseFraction: simulateDose,
              pixelSizeMm: pixel,
              seed: deriveSeed(this.o.seed, i),
              mode: 'from-full-dose',
            },
      );
      this.simulated.set(i, f);
    }
    return f;
  }

  async get(i: number): Promise<FrameContext> {
    const { reference, input } = this.o;
    const rgb = input.kind === 'rgb';
    const pixels = input.width * input.height;
    const inStored = await this.inputFrame(i);
    const refStored = reference ? await reference.frame(i) : undefined;
    const inputF = rgb ? luma(inStored as Uint8Array, pixels) : (inStored as Float32Array);
    const refF = refStored ? (rgb ? luma(refStored as Uint8Array, pixels) : (refStored as Float32Array)) : undefined;
    let r = this.rois.get(i);
    if (!r) {
      r = this.place(refF ?? inputF, rgb);
      this.rois.set(i, r);
    }
    return {
      index: i,
      ...(refF ? { reference: refF } : {}),
      input: inputF,
      ...(rgb ? { inputRgb: inStored as Uint8Array } : {}),
      ...(rgb && refStored ? { referenceRgb: refStored as Uint8Array } : {}),
      ...r,
    };
  }

  private place(base: Float32Array, rgb: boolean): Pick<FrameContext, 'noiseRois' | 'cnr' | 'npsRois'> {
    const { width: w, height: h } = this.o.input;
    const huRange = rgb ? RGB_RANGE : CT_RANGE;
    // On a full-dose reference, squares straddling an edge are kept out as `gsdiff evaluate` does (SD <= 40 HU); on a
    // noisy input alone the noise itself would exceed that, so only the lowest-SD rule applies.
    const maxSd = !rgb && this.o.reference ? { maxSd: 40 } : {};
    const noiseRois =
      this.o.noiseRois ?? orNone(() => placeHomogeneousRois(base, w, h, { count: 4, size: 16, huRange, ...maxSd }));
    let cnrPair: FrameContext['cnr'];
    if (this.o.cnrSignal && this.o.cnrBackground)
      cnrPair = { signal: this.o.cnrSignal, background: this.o.cnrBackground };
    else if (!rgb) {
      // Automatic CNR: the most uniform square of fat against the most uniform of soft tissue, a contrast every body
      // slice has, measured in the same places for every method. Colour frames have no such tissue classes (their
      // flattest dark squares lie in the vignette), so there CNR needs the user's ROIs.
      const [low, high] = CNR_BANDS;
      const one = (huRange: [number, number]): Roi | undefined =>
        orNone(() => placeHomogeneousRois(base, w, h, { count: 1, size: CNR_ROI_SIZE, huRange }))[0];
      const signal = one(low);
      const background = one(high);
      if (signal && background) cnrPair = { signal, background };
    }
    const size = this.o.npsRoiSize;
    const npsRois =
      this.o.noiseRois && this.o.noiseRois.every((r) => r.width === size && r.height === size)
        ? this.o.noiseRois
        : size <= Math.min(w, h)
          ? orNone(() => placeHomogeneousRois(base, w, h, { count: 2, size, huRange }))
          : [];
    return { noiseRois, ...(cnrPair ? { cnr: cnrPair } : {}), npsRois };
  }
}

/** Positions closer than this (mm) are the same slice. */
const SAME_POSITION_MM = 0.05;

/** Reference, input and restored series must describe the same frames, in the same places when positions are known. */
export function checkSameGeometry(a: ValidationSeries, b: ValidationSeries): void {
  if (a.kind !== b.kind || a.count !== b.count || a.width !== b.width || a.height !== b.height)
    throw validationError(
      'VAL_ERR_SIZE_MISMATCH',
      `validate: ${b.label}: expected ${a.count} ${a.kind} frames of ${a.width}x${a.height} as ${a.label}, got ${b.count} ${b.kind} frames of ${b.width}x${b.height}`,
      { array: b.label },
    );
  if (a.positions && b.positions) {
    const i = a.positions.findIndex((p, k) => Math.abs(p - (b.positions as readonly number[])[k]) > SAME_POSITION_MM);
    if (i >= 0)
      throw validationError(
        'VAL_ERR_SIZE_MISMATCH',
        `validate: ${b.label}: frame ${i + 1} lies at ${b.positions[i].toFixed(2)} mm along the normal: expected ${a.positions[i].toFixed(2)} mm as in ${a.label} (same slices, same order)`,
        { array: b.label },
      );
  }
}
