import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadOpenCv, loadPack, restoreSeries, type LoadedPack, type SeriesSource } from '../../models/index.js';
import { ValidationError, validationError } from '../errors.js';
import { createRng, LOW_DOSE_DEFAULTS } from '../lowdose/index.js';
import { fitSeriesNoise, modelFromKernelName, type CtSliceSource, type SeriesNoiseModel } from '../noise/index.js';
import { checkSameGeometry, FrameContexts } from './FrameContexts.js';
import { luma } from './luma.js';
import { MethodAccumulator } from './MethodAccumulator.js';
import type { MethodResult } from './MethodResult.js';
import type { ValidateOptions, ValidationMethod } from './ValidateOptions.js';
import type { ValidationSeries } from './ValidationSeries.js';

/** Frames kept for the report's image strips: per strip frame, the stored values of each row. */
export interface StripFrame {
  readonly index: number;
  readonly reference?: Float32Array | Uint8Array;
  /** Method name (the input first) -> its frame in stored units. */
  readonly outputs: ReadonlyMap<string, Float32Array | Uint8Array>;
}

export interface ValidationResult {
  readonly mode: 'paired' | 'no-reference';
  readonly kind: 'ct' | 'rgb';
  readonly width: number;
  readonly height: number;
  readonly count: number;
  readonly pixelSpacingMm: readonly [number, number];
  readonly pixelSpacingKnown: boolean;
  readonly reference?: { readonly label: string; readonly seriesInstanceUid?: string };
  readonly input: { readonly label: string; readonly seriesInstanceUid?: string; readonly simulatedDose?: number };
  readonly methods: readonly MethodResult[];
  readonly strips: readonly StripFrame[];
  readonly seed: number;
  /** With --simulate-dose on CT: the noise model fitted to the reference (kernel and I0 of the inserted noise). */
  readonly noiseModel?: SeriesNoiseModel;
}

/**
 * Side-by-side validation: the degraded input (given, or simulated from the reference) and every method — packs
 * run through the one runtime (`restoreSeries`: GSDiff, denoiser and filter packs alike), or series restored
 * elsewhere — measured frame by frame against the same reference frames and ROIs with validation/metrics.
 * @throws VAL_ERR_BAD_OPTION (no input, dose without reference, colour with a dose), VAL_ERR_SIZE_MISMATCH (series
 *   that do not match), and every error of loading and running a pack (MODEL_ERR_*)
 */
export async function runValidation(o: ValidateOptions): Promise<ValidationResult> {
  const input = o.input ?? (o.simulateDose !== undefined ? o.reference : undefined);
  if (!input)
    throw validationError(
      'VAL_ERR_BAD_OPTION',
      'validate: expected an input series, or a reference with a dose to simulate',
      {
        option: 'input',
      },
    );
  if (o.simulateDose !== undefined) {
    if (!o.reference)
      throw validationError('VAL_ERR_BAD_OPTION', 'validate: --simulate-dose needs a reference series', {
        option: 'simulateDose',
      });
    if (o.reference.kind !== 'ct' || o.reference.width !== o.reference.height)
      throw validationError(
        'VAL_ERR_BAD_OPTION',
        `validate: --simulate-dose: expected a CT reference with square slices, got ${o.reference.kind} ${o.reference.width}x${o.reference.height} (${o.reference.label})`,
        { option: 'simulateDose' },
      );
  }
  if (o.reference && o.input) checkSameGeometry(o.reference, o.input);
  for (const m of o.methods) if (m.kind === 'series') checkSameGeometry(input, m.series);

  const npsRoiSize = o.npsRoiSize ?? (Math.min(input.width, input.height) >= 256 ? 64 : 32);
  const noiseModel =
    o.simulateDose !== undefined && o.reference && o.reference.kind === 'ct'
      ? await referenceNoiseModel(o.reference)
      : undefined;
  const contexts = new FrameContexts({
    ...(o.reference ? { reference: o.reference } : {}),
    input,
    ...(o.simulateDose !== undefined ? { simulateDose: o.simulateDose } : {}),
    ...(noiseModel ? { noiseModel } : {}),
    seed: o.seed,
    ...(o.noiseRois ? { noiseRois: o.noiseRois } : {}),
    ...(o.cnrSignal ? { cnrSignal: o.cnrSignal } : {}),
    ...(o.cnrBackground ? { cnrBackground: o.cnrBackground } : {}),
    npsRoiSize,
  });
  const cv = input.kind === 'rgb' ? await loadOpenCv() : undefined;
  const stripIdx = (o.stripFrames ?? [Math.floor(input.count / 2)]).filter((i) => i >= 0 && i < input.count);
  const strips = stripIdx.map((index) => ({ index, outputs: new Map<string, Float32Array | Uint8Array>() }));
  const stripRefs = new Map<number, Float32Array | Uint8Array>();

  const methods: MethodResult[] = [];
  const all: (ValidationMethod | { name: string; kind: 'input' })[] = [{ name: 'input', kind: 'input' }, ...o.methods];
  for (const m of all) {
    o.logger.info({ method: m.name, kind: m.kind }, 'validate: method');
    const acc = new MethodAccumulator(input.kind, input.width, input.height, input.pixelSpacingMm, cv, input.positions);
    const take = async (i: number, values: Float32Array | Uint8Array): Promise<void> => {
      o.signal?.throwIfAborted();
      const ctx = await contexts.get(i);
      const out =
        input.kind === 'rgb' ? luma(values as Uint8Array, input.width * input.height) : (values as Float32Array);
      acc.add(out, ctx);
      const s = strips.find((x) => x.index === i);
      if (s) {
        s.outputs.set(m.name, values);
        if (o.reference && !stripRefs.has(i)) stripRefs.set(i, await o.reference.frame(i));
      }
      o.onProgress?.(m.name, i + 1, input.count);
    };
    const t0 = performance.now();
    let pack: LoadedPack | undefined;
    if (m.kind === 'input') {
      for (let i = 0; i < input.count; i++) await take(i, await contexts.inputFrame(i));
    } else if (m.kind === 'series') {
      for (let i = 0; i < input.count; i++) await take(i, await m.series.frame(i));
    } else {
      pack = await runPack(m.pack, o, input, contexts, take);
    }
    const seconds = (performance.now() - t0) / 1000;
    methods.push({
      name: m.name,
      kind: m.kind,
      ...(pack
        ? { pack: { dir: pack.dir, name: pack.index.name, version: pack.index.version, sha256: pack.sha256 } }
        : {}),
      ...(m.kind === 'series' ? { source: m.series.label } : {}),
      rows: acc.table(),
      summary: acc.summary(seconds),
    });
  }
  return {
    mode: o.reference ? 'paired' : 'no-reference',
    kind: input.kind,
    width: input.width,
    height: input.height,
    count: input.count,
    pixelSpacingMm: input.pixelSpacingMm,
    pixelSpacingKnown: input.pixelSpacingKnown !== false,
    ...(o.reference ? { reference: { label: o.reference.label, ...uid(o.reference) } } : {}),
    ...(noiseModel ? { noiseModel } : {}),
    input: {
      label: o.simulateDose !== undefined ? `${input.label} at ${o.simulateDose * 100} % simulated dose` : input.label,
      ...uid(input),
      ...(o.simulateDose !== undefined ? { simulatedDose: o.simulateDose } : {}),
    },
    methods,
    strips: strips.map((s) => ({ ...s, ...(stripRefs.has(s.index) ? { reference: stripRefs.get(s.index) } : {}) })),
    seed: o.seed,
  };
}

async function packClass(dir: string): Promise<unknown> {
  try {
    return (JSON.parse(await readFile(join(dir, 'model_index.json'), 'utf8')) as { _class_name?: unknown })._class_name;
  } catch {
    return undefined; // loadPack reports the missing or malformed index with its own error.
  }
}

function uid(s: ValidationSeries): { seriesInstanceUid?: string } {
  return s.seriesInstanceUid ? { seriesInstanceUid: s.seriesInstanceUid } : {};
}

/** A pack over the input, through the runtime; frames are measured as they stream out. */
async function runPack(
  dir: string,
  o: ValidateOptions,
  input: ValidationSeries,
  contexts: FrameContexts,
  take: (i: number, v: Float32Array | Uint8Array) => Promise<void>,
): Promise<LoadedPack> {
  // A filter pack runs OpenCV on the CPU whatever device the networks use.
  const cls = await packClass(dir);
  const pack = await loadPack(dir, { device: cls === 'FilterPipeline' ? 'cpu' : o.device, logger: o.logger });
  try {
    const src: SeriesSource =
      input.kind === 'ct'
        ? {
            kind: 'ct',
            count: input.count,
            height: input.height,
            width: input.width,
            frame: async (i) => (await contexts.inputFrame(i)) as Float32Array,
          }
        : {
            kind: 'rgb',
            count: input.count,
            height: input.height,
            width: input.width,
            frame: async (i) => (await contexts.inputFrame(i)) as Uint8Array,
          };
    const rng = createRng(o.seed);
    for await (const ev of restoreSeries(pack, src, {
      noise: (n) => Float32Array.from({ length: n }, () => rng.normal()),
      header: input.header,
      logger: o.logger,
      ...(o.strength ? { strength: o.strength } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    })) {
      if (ev.type === 'frame') await take(ev.index, ev.values);
    }
    return pack;
  } finally {
    await pack.release();
  }
}

/**
 * The reference's own noise model (validation/noise), so the simulated input has the reference's noise texture and
 * level; a reference without a flat soft-tissue region (a phantom, a tiny crop) falls back to its kernel name.
 */
async function referenceNoiseModel(reference: ValidationSeries): Promise<SeriesNoiseModel> {
  const positions = reference.positions;
  const steps = positions && positions.length > 1 ? positions.slice(1).map((p, k) => Math.abs(p - positions[k])) : [];
  const even = steps.length > 0 && steps.every((d) => Math.abs(d - steps[0]) < 0.01 * Math.max(steps[0], 1e-6));
  const src: CtSliceSource = {
    label: reference.label,
    count: reference.count,
    width: reference.width,
    height: reference.height,
    pixelSizeMm: reference.pixelSpacingMm[1],
    ...(even && steps[0] > 0 ? { sliceSpacingMm: steps[0] } : {}),
    frame: async (i) => (await reference.frame(i)) as Float32Array,
  };
  const kernel = reference.header.acquisition.convolutionKernel;
  try {
    return (await fitSeriesNoise(src, { convolutionKernel: kernel })).model;
  } catch (e) {
    if (e instanceof ValidationError && e.code === 'VAL_ERR_NO_ROI') {
      return modelFromKernelName(kernel, LOW_DOSE_DEFAULTS.incidentPhotons);
    }
    throw e;
  }
}
