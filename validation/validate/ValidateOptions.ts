import type { Logger } from '../../common/index.js';
import type { DeviceRequest, Strength } from '../../models/index.js';
import type { HuWindow, Roi } from '../metrics/index.js';
import type { ValidationSeries } from './ValidationSeries.js';

/** A method compared side by side: a pack run through the runtime, or a series restored elsewhere. */
export type ValidationMethod =
  | { readonly name: string; readonly kind: 'pack'; readonly pack: string }
  | { readonly name: string; readonly kind: 'series'; readonly series: ValidationSeries };

/** What `runValidation` needs. Paired mode has a reference; no-reference mode has only the input. */
export interface ValidateOptions {
  /** Full-dose / sharp reference (paired mode). */
  readonly reference?: ValidationSeries;
  /** The degraded series the methods restore; with `simulateDose` it is made from the reference instead. */
  readonly input?: ValidationSeries;
  /** Simulate this dose fraction from the reference with the project's projection-domain simulation. */
  readonly simulateDose?: number;
  /** Seed of the simulation and of the diffusion noise. */
  readonly seed: number;
  /** The degraded input itself is always the first row; these follow. */
  readonly methods: readonly ValidationMethod[];
  readonly device: DeviceRequest;
  /** Restoration strength of every pack method (default: the runtime's, medium). */
  readonly strength?: Strength;
  /** User-given homogeneous ROIs for noise SD and NPS (replace the automatic ones). */
  readonly noiseRois?: readonly Roi[];
  /** User-given CNR ROIs. */
  readonly cnrSignal?: Roi;
  readonly cnrBackground?: Roi;
  /** Window of the image strips (default: abdomen C50/W400 for CT). */
  readonly stripWindow?: HuWindow;
  /** 0-based frames shown in the image strips (default: the middle one). */
  readonly stripFrames?: readonly number[];
  /** Side of the NPS ROIs, a power of two (default 64, 32 when the frame is small). */
  readonly npsRoiSize?: number;
  readonly logger: Logger;
  /** Progress callback: method name, frames done, total. */
  readonly onProgress?: (method: string, done: number, total: number) => void;
  readonly signal?: AbortSignal;
}
