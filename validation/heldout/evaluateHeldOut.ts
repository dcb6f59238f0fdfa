import type { Logger } from '../../common/index.js';
import {
  loadPack,
  restoreSeries,
  type Branches,
  type DeviceRequest,
  type HeaderFacts,
  type SeriesSource,
  type Strength,
} from '../../models/index.js';
import { ValidationError, validationError } from '../errors.js';
import { createRng } from '../lowdose/index.js';
import {
  edgeRiseDistance,
  EDGE_RISE_DEFAULTS,
  findTissueFatEdges,
  flicker,
  HU_WINDOWS,
  placeHomogeneousRois,
  psnr,
  rmse,
  roiStats,
  ssim,
  type EdgeRiseResult,
  type HuWindow,
} from '../metrics/index.js';
import type { HeldOutClip, HeldOutCt } from './readTrainingData.js';

/** A method under test: the degraded input itself, or a pack run through the runtime. */
export type Method =
  | { readonly name: 'input' }
  | {
      readonly name: string;
      readonly pack: string;
      readonly skipAir?: boolean;
      readonly strength?: Strength;
      /** GSDiff packs: the ablation rows (RestoreOptions.branches) and the start timestep (item 1b of "Step 12"). */
      readonly branches?: Branches;
      readonly startTimestep?: number | 'matched';
    };

export interface CtFigures {
  readonly psnrMetric: number;
  readonly ssimMetric: number;
  readonly psnrAbdomen: number;
  readonly ssimAbdomen: number;
  readonly rmseHu: number;
  /** Mean SD (HU) in homogeneous ROIs placed on the full-dose reference. */
  readonly noiseSdHu: number;
  /** Adjacent-slice flicker (metric window, HU): RMS of the output's slice-to-slice change minus the reference's. */
  readonly flickerHu: number;
  readonly seconds: number;
}

export interface RgbFigures {
  readonly psnr: number;
  readonly ssim: number;
  readonly flicker: number;
  readonly seconds: number;
}

const RGB_WINDOW: HuWindow = { low: 0, high: 255, name: '8-bit' };
/** Inside the reconstruction circle: padding outside it (-3024 / -2000 on most scanners) is left out of RMSE. */
const FOV_MIN_HU = -1500;
const ROIS = { count: 4, size: 16, maxSd: 40 } as const;

const ENDOSCOPY_HEADER: HeaderFacts = {
  modality: 'ES',
  sopClassUid: '1.2.840.10008.5.1.4.1.1.77.1.1.1',
  samplesPerPixel: 3,
  acquisition: {},
};

async function runPack(
  method: Method & { pack: string },
  src: SeriesSource,
  header: HeaderFacts,
  device: DeviceRequest,
  logger: Logger,
): Promise<{ frames: (Float32Array | Uint8Array)[]; seconds: number }> {
  const pack = await loadPack(method.pack, { device, logger });
  try {
    const rng = createRng(1);
    const frames: (Float32Array | Uint8Array)[] = new Array(src.count);
    const t0 = performance.now();
    for await (const ev of restoreSeries(pack, src, {
      noise: (n) => Float32Array.from({ length: n }, () => rng.normal()),
      header,
      // Only GSDiff packs skip air tiles; a denoiser pack would log the option as unused.
      skipAir: pack.kind === 'gsdiff' && 'skipAir' in method ? method.skipAir : undefined,
      // Every pack class; the runtime's default (medium) when the method gives none.
      strength: 'strength' in method ? method.strength : undefined,
      ...(pack.kind === 'gsdiff' && 'branches' in method ? { branches: method.branches } : {}),
      ...(pack.kind === 'gsdiff' && 'startTimestep' in method ? { startTimestep: method.startTimestep } : {}),
      logger,
    })) {
      if (ev.type === 'frame') frames[ev.index] = ev.values;
    }
    return { frames, seconds: (performance.now() - t0) / 1000 };
  } finally {
    await pack.release();
  }
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Held-out CT at one dose: every method over slices [first, first + count) of the simulated series, figures
 * against the full-dose reference (windows per HU_WINDOWS; ROIs per slice on the reference).
 */
export async function evaluateCt(
  data: HeldOutCt,
  dose: number,
  first: number,
  count: number,
  methods: readonly Method[],
  device: DeviceRequest,
  header: HeaderFacts,
  logger: Logger,
): Promise<Record<string, CtFigures>> {
  if (first < 0 || count < 2 || first + count > data.slices)
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      `slices: expected a range of >= 2 inside 0..${data.slices - 1}, got ${first}+${count}`,
      {
        option: 'slices',
      },
    );
  const { width: W, height: H } = data;
  const idx = Array.from({ length: count }, (_, i) => first + i);
  const refs = idx.map((i) => data.clean(i));
  const inputs = idx.map((i) => data.noisy(dose, i));
  const masks = refs.map((r) => Uint8Array.from(r, (v) => (v > FOV_MIN_HU ? 1 : 0)));
  const rois = refs.map((r) => placeHomogeneousRois(r, W, H, ROIS));
  const out: Record<string, CtFigures> = {};
  for (const m of methods) {
    let frames: Float32Array[];
    let seconds = 0;
    if (!('pack' in m)) frames = inputs;
    else {
      const src: SeriesSource = { kind: 'ct', count, height: H, width: W, frame: async (i) => inputs[i] };
      const r = await runPack(m, src, header, device, logger);
      frames = r.frames as Float32Array[];
      seconds = r.seconds;
    }
    out[m.name] = {
      psnrMetric: mean(frames.map((f, i) => psnr(refs[i], f, HU_WINDOWS.metric, masks[i]))),
      ssimMetric: mean(frames.map((f, i) => ssim(refs[i], f, W, H, HU_WINDOWS.metric))),
      psnrAbdomen: mean(frames.map((f, i) => psnr(refs[i], f, HU_WINDOWS.abdomen, masks[i]))),
      ssimAbdomen: mean(frames.map((f, i) => ssim(refs[i], f, W, H, HU_WINDOWS.abdomen))),
      rmseHu: mean(frames.map((f, i) => rmse(refs[i], f, masks[i]))),
      noiseSdHu: mean(frames.flatMap((f, i) => rois[i].map((roi) => roiStats(f, W, H, roi).sd))),
      flickerHu: flicker(frames, refs, HU_WINDOWS.metric),
      seconds,
    };
    logger.info({ method: m.name, dose, ...out[m.name] }, 'evaluate: CT method done');
  }
  return out;
}

function channel(rgb: Uint8Array, c: number): Float32Array {
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = rgb[i * 3 + c];
  return out;
}

/** Held-out capsule frames: PSNR over all samples (8-bit range) and SSIM averaged over R, G, B. */
export async function evaluateClip(
  data: HeldOutClip,
  count: number,
  methods: readonly Method[],
  device: DeviceRequest,
  logger: Logger,
): Promise<Record<string, RgbFigures>> {
  const n = Math.min(count, data.frames);
  const { width: W, height: H } = data;
  const refs = Array.from({ length: n }, (_, i) => data.sharp(i));
  const inputs = Array.from({ length: n }, (_, i) => data.degraded(i));
  const out: Record<string, RgbFigures> = {};
  for (const m of methods) {
    let frames: Uint8Array[];
    let seconds = 0;
    if (!('pack' in m)) frames = inputs;
    else {
      const src: SeriesSource = { kind: 'rgb', count: n, height: H, width: W, frame: async (i) => inputs[i] };
      const r = await runPack(m, src, ENDOSCOPY_HEADER, device, logger);
      frames = r.frames as Uint8Array[];
      seconds = r.seconds;
    }
    const f32 = (a: Uint8Array): Float32Array => Float32Array.from(a);
    out[m.name] = {
      psnr: mean(frames.map((f, i) => psnr(f32(refs[i]), f32(f), RGB_WINDOW))),
      ssim: mean(
        frames.map((f, i) => mean([0, 1, 2].map((c) => ssim(channel(refs[i], c), channel(f, c), W, H, RGB_WINDOW)))),
      ),
      flicker: flicker(frames.map(f32), refs.map(f32), RGB_WINDOW),
      seconds,
    };
    logger.info({ method: m.name, ...out[m.name] }, 'evaluate: capsule method done');
  }
  return out;
}

export interface RealNoiseFigures {
  /** Mean SD (HU) in homogeneous soft-tissue ROIs placed on the input slices. */
  readonly noiseSdHu: number;
  /** Mean HU in the same ROIs (a restoration must not shift it). */
  readonly meanHu: number;
  readonly seconds: number;
  /**
   * 10-90 % rise distance (pixels) of the ensemble edge profile across soft-tissue/fat borders found on the input
   * slices (metrics' edgeRiseDistance; lower is sharper); absent when fewer than EDGE_RISE_DEFAULTS.minEdges were found.
   */
  readonly edgeRisePx?: number;
  /** The same in mm, when the pixel spacing is known. */
  readonly edgeRiseMm?: number;
  /** Soft-tissue/fat edges found on the input slices, the same for every method. */
  readonly edges: number;
}

/** Options of {@link evaluateRealNoise}. */
export interface RealNoiseOptions {
  /** In-plane pixel spacing (square pixels), for the edge rise distance in mm. */
  readonly pixelSpacingMm?: number;
}

/**
 * No-reference figures on a real (not simulated) series: each method restores the slices, SD and mean are read in
 * the same ROIs (placed on the input, soft tissue, SD at most 60 HU), and the 10-90 % edge rise distance at the same
 * soft-tissue/fat edges (found on the input slices). Returns the outputs too, for pictures.
 */
export async function evaluateRealNoise(
  slices: readonly Float32Array[],
  width: number,
  height: number,
  methods: readonly Method[],
  device: DeviceRequest,
  header: HeaderFacts,
  logger: Logger,
  options: RealNoiseOptions = {},
): Promise<{ figures: Record<string, RealNoiseFigures>; outputs: Record<string, Float32Array[]> }> {
  const rois = slices.map((s) => placeHomogeneousRois(s, width, height, { count: 4, size: 16, maxSd: 60 }));
  const edges = slices.flatMap((s, i) => findTissueFatEdges(s, width, height, { slice: i }));
  if (edges.length < EDGE_RISE_DEFAULTS.minEdges)
    logger.warn(
      { edges: edges.length, expected: EDGE_RISE_DEFAULTS.minEdges },
      'evaluate: too few soft-tissue/fat edges on the input slices, no edge rise distance',
    );
  // An output without a measurable edge (no tissue plateau above the fat one: not a restoration) gets no figure.
  const edgeRise = (frames: Float32Array[], method: string): EdgeRiseResult | undefined => {
    try {
      return edgeRiseDistance(frames, width, height, edges, options.pixelSpacingMm);
    } catch (err) {
      if (!(err instanceof ValidationError && err.code === 'VAL_ERR_BAD_INPUT')) throw err;
      logger.warn({ method, err: err.message }, 'evaluate: no edge rise distance for this method');
      return undefined;
    }
  };
  const figures: Record<string, RealNoiseFigures> = {};
  const outputs: Record<string, Float32Array[]> = {};
  for (const m of methods) {
    let frames: Float32Array[] = [...slices];
    let seconds = 0;
    if ('pack' in m) {
      const src: SeriesSource = { kind: 'ct', count: slices.length, height, width, frame: async (i) => slices[i] };
      const r = await runPack(m, src, header, device, logger);
      frames = r.frames as Float32Array[];
      seconds = r.seconds;
    }
    const stats = frames.flatMap((f, i) => rois[i].map((roi) => roiStats(f, width, height, roi)));
    const rise = edges.length >= EDGE_RISE_DEFAULTS.minEdges ? edgeRise(frames, m.name) : undefined;
    figures[m.name] = {
      noiseSdHu: mean(stats.map((s) => s.sd)),
      meanHu: mean(stats.map((s) => s.mean)),
      seconds,
      ...(rise ? { edgeRisePx: rise.riseDistancePx } : {}),
      ...(rise?.riseDistanceMm === undefined ? {} : { edgeRiseMm: rise.riseDistanceMm }),
      edges: edges.length,
    };
    outputs[m.name] = frames;
  }
  return { figures, outputs };
}
