import {
  createParallelBeamGeometry,
  createRng,
  DEFAULT_VIEW_COUNT,
  fbp,
  type ParallelBeamGeometry,
} from '../lowdose/index.js';
import { nps2d, type Roi } from '../metrics/index.js';
import type { NoiseKernel } from './NoiseKernel.js';

/** Radial NPS shape of a kernel, in cycles/pixel: what noise reconstructed with it looks like, whatever its level. */
export interface KernelNps {
  /** Bin centres, cycles/pixel (b · 0.5 / bins), the bins `nps2d` uses for a roiSize ROI. */
  readonly frequencies: Float64Array;
  /** Radial NPS normalised to sum 1 over the bins. */
  readonly shape: Float64Array;
  /** Σ f·NPS / Σ NPS, cycles/pixel. */
  readonly meanFrequency: number;
}

/** Sinogram realisations shared by every kernel (common random numbers: kernels differ by the filter, not the draw). */
const REALISATIONS = 2;
const SEED = 20261207;
const SINOGRAMS = new Map<string, { geom: ParallelBeamGeometry; sinos: Float32Array[]; rois: Roi[] }>();
const SHAPES = new Map<string, KernelNps>();

function whiteSinograms(
  roiSize: number,
  viewCount: number,
): { geom: ParallelBeamGeometry; sinos: Float32Array[]; rois: Roi[] } {
  const key = `${roiSize}|${viewCount}`;
  let entry = SINOGRAMS.get(key);
  if (entry === undefined) {
    const size = Math.max(64, 4 * roiSize);
    const geom = createParallelBeamGeometry(size, 1, { viewCount });
    const rng = createRng(SEED);
    const sinos = Array.from({ length: REALISATIONS }, () => {
      const s = new Float32Array(geom.viewCount * geom.detectorCount);
      for (let i = 0; i < s.length; i++) s[i] = rng.normal();
      return s;
    });
    const rois: Roi[] = [];
    for (let y = 0; y + roiSize <= size; y += roiSize) {
      for (let x = 0; x + roiSize <= size; x += roiSize) rois.push({ x, y, width: roiSize, height: roiSize });
    }
    entry = { geom, sinos, rois };
    SINOGRAMS.set(key, entry);
  }
  return entry;
}

/**
 * The radial NPS shape of white detector noise reconstructed by {@link fbp} with the kernel, on the project's
 * parallel-beam geometry (detector pitch = pixel size), measured by `nps2d` on roiSize ROIs exactly as a series' own
 * noise is measured. In cycles/pixel the shape does not depend on the pixel size, so one table serves every series.
 * Computed by simulation (two 4·roiSize images), cached per kernel, ROI size and view count.
 * @param kernel - window and cutoff
 * @param roiSize - NPS ROI side in pixels (a power of two)
 * @param viewCount - views over 180° (default the simulation's)
 */
export function kernelNps(kernel: NoiseKernel, roiSize: number, viewCount = DEFAULT_VIEW_COUNT): KernelNps {
  const key = `${kernel.window}|${kernel.cutoff}|${roiSize}|${viewCount}`;
  const cached = SHAPES.get(key);
  if (cached !== undefined) return cached;
  const { geom, sinos, rois } = whiteSinograms(roiSize, viewCount);
  const images = sinos.map((s) => fbp(s, geom, { window: kernel.window, cutoff: kernel.cutoff }));
  const nps = nps2d(images, geom.imageSize, geom.imageSize, rois, 1);
  const result = normalisedShape(nps.frequencies, nps.nps);
  if (SHAPES.size > 4096) SHAPES.clear();
  SHAPES.set(key, result);
  return result;
}

/** The radial curve scaled to sum 1, with its mean frequency (in the curve's own frequency unit). */
export function normalisedShape(frequencies: Float64Array, nps: Float64Array): KernelNps {
  let mass = 0;
  let weighted = 0;
  for (let b = 0; b < nps.length; b++) {
    mass += nps[b];
    weighted += frequencies[b] * nps[b];
  }
  const shape = new Float64Array(nps.length);
  for (let b = 0; b < nps.length; b++) shape[b] = mass > 0 ? nps[b] / mass : 0;
  return { frequencies, shape, meanFrequency: mass > 0 ? weighted / mass : 0 };
}
