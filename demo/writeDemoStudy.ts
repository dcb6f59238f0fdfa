import {
  deterministicUid,
  encodeCtSlice,
  encodeEndoscopySequence,
  type LocalStore,
  type StagedSeries,
  type SyntheticSeriesContext,
} from '../pacs-adapters/index.js';
import { ctPhantomPixelSpacingMm, ctPhantomSlicePositionMm, ctPhantomSliceSpacingMm } from './ct/geometry.js';
import { renderAllSlices } from './ct/renderAllSlices.js';
import { endoscopyFrames } from './endoscopySequence.js';

export interface DemoOptions {
  /** CT slices (>= 36 for the product demo; the phantom always spans the same 240 mm). */
  readonly sliceCount: number;
  readonly size: number;
  /** Dose fraction of the low-dose series, e.g. 0.25. */
  readonly lowDoseFraction: number;
  readonly endoscopyFrameCount: number;
  readonly seed: number;
  /** Worker threads for the CT simulation (0 = inline). */
  readonly workers: number;
  readonly softwareVersion: string;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export const DEMO_DEFAULTS: Omit<DemoOptions, 'softwareVersion' | 'workers'> = Object.freeze({
  sliceCount: 48,
  size: 512,
  lowDoseFraction: 0.25,
  endoscopyFrameCount: 48,
  seed: 1,
});

export interface DemoSeries {
  readonly role: 'ct-normal-dose' | 'ct-low-dose' | 'ct-reference' | 'endoscopy-blurred' | 'endoscopy-sharp';
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly instances: number;
}

export interface DemoResult {
  /** True when the store already held this demo (same seed and size): nothing was generated. */
  readonly alreadyPresent: boolean;
  readonly series: readonly DemoSeries[];
}

const FULL_DOSE = { kvp: 120, tubeCurrentMa: 200, exposureMas: 200, ctdiVol: 10, convolutionKernel: 'STANDARD' };
const ENDOSCOPY_FRAME_TIME_MS = 125;

/**
 * Writes the project's own demo data into the store: a phantom CT study (normal dose, simulated low dose and the
 * noise-free reference, sharing one frame of reference) and an endoscopy-like study (motion-blurred sequence and
 * its sharp reference). UIDs derive from the options, so running it twice finds the first result; each series is
 * staged and published whole.
 */
export async function writeDemoStudy(store: LocalStore, o: DemoOptions): Promise<DemoResult> {
  // v2: noise reconstructed with DEMO_NOISE_KERNEL (new pixels, so new UIDs)
  const key = `gsdiff-demo:v2:seed=${o.seed}:size=${o.size}:slices=${o.sliceCount}:dose=${o.lowDoseFraction}:frames=${o.endoscopyFrameCount}`;
  const uid = (...parts: string[]): string => deterministicUid(key, ...parts);
  const ctStudy = uid('ct-study');
  const esStudy = uid('es-study');
  const plan: DemoSeries[] = [
    { role: 'ct-normal-dose', studyInstanceUid: ctStudy, seriesInstanceUid: uid('ct-normal'), instances: o.sliceCount },
    { role: 'ct-low-dose', studyInstanceUid: ctStudy, seriesInstanceUid: uid('ct-low'), instances: o.sliceCount },
    { role: 'ct-reference', studyInstanceUid: ctStudy, seriesInstanceUid: uid('ct-truth'), instances: o.sliceCount },
    { role: 'endoscopy-blurred', studyInstanceUid: esStudy, seriesInstanceUid: uid('es-blurred'), instances: 1 },
    { role: 'endoscopy-sharp', studyInstanceUid: esStudy, seriesInstanceUid: uid('es-sharp'), instances: 1 },
  ];
  if (plan.every((s) => store.listInstances(s.seriesInstanceUid).length === s.instances)) {
    return { alreadyPresent: true, series: plan };
  }
  const createdAt = new Date();
  const pct = Math.round(o.lowDoseFraction * 100);
  const base = {
    patientId: 'GSDIFF-DEMO-0001',
    patientName: 'GSDIFF^DEMO PHANTOM',
    softwareVersion: o.softwareVersion,
    createdAt,
  };
  const ctBase = {
    ...base,
    studyInstanceUid: ctStudy,
    studyId: 'DEMO-CT',
    studyDescription: 'GSDiff demo: anthropomorphic CT phantom (simulated)',
    frameOfReferenceUid: uid('ct-frame-of-reference'),
  };
  const ctContexts: SyntheticSeriesContext[] = [
    {
      ...ctBase,
      seriesInstanceUid: plan[0].seriesInstanceUid,
      seriesNumber: 1,
      seriesDescription: 'Phantom CT 100% dose (simulated)',
      provenance: `SIMULATED. Digital anthropomorphic phantom with projection-domain Poisson + electronic noise at 100% dose (parallel-beam, I0 1e5). gsdiff demo-data, seed ${o.seed}.`,
    },
    {
      ...ctBase,
      seriesInstanceUid: plan[1].seriesInstanceUid,
      seriesNumber: 2,
      seriesDescription: `Phantom CT ${pct}% dose (simulated low dose)`,
      provenance: `SIMULATED LOW DOSE. Same phantom, independent projection-domain Poisson + electronic noise at ${pct}% of the full-dose photon count. gsdiff demo-data, seed ${o.seed}.`,
    },
    {
      ...ctBase,
      seriesInstanceUid: plan[2].seriesInstanceUid,
      seriesNumber: 3,
      seriesDescription: 'Phantom CT noise-free reference',
      provenance: 'SIMULATED GROUND TRUTH. The noise-free phantom the two simulated acquisitions were made from.',
    },
  ];
  const doses = [
    FULL_DOSE,
    {
      ...FULL_DOSE,
      tubeCurrentMa: FULL_DOSE.tubeCurrentMa * o.lowDoseFraction,
      exposureMas: FULL_DOSE.exposureMas * o.lowDoseFraction,
      ctdiVol: FULL_DOSE.ctdiVol * o.lowDoseFraction,
    },
    { convolutionKernel: 'NONE' },
  ];
  const stages: StagedSeries[] = [];
  try {
    for (let i = 0; i < 5; i++) stages.push(await store.stageSeries());
    const total = o.sliceCount + 1;
    const requests = Array.from({ length: o.sliceCount }, (_, z) => ({
      zIndex: z,
      sliceCount: o.sliceCount,
      size: o.size,
      seed: o.seed,
      doseFractions: [1, o.lowDoseFraction],
    }));
    const spacing = ctPhantomPixelSpacingMm(o.size);
    const half = ((o.size - 1) / 2) * spacing;
    for await (const s of renderAllSlices(requests, o.workers)) {
      const images = [s.doses[0], s.doses[1], s.truth];
      for (let k = 0; k < 3; k++) {
        const bytes = encodeCtSlice(ctContexts[k], {
          sopInstanceUid: uid('ct', String(k), String(s.zIndex)),
          instanceNumber: s.zIndex + 1,
          rows: o.size,
          columns: o.size,
          hu: images[k],
          position: [-half, -half, ctPhantomSlicePositionMm(s.zIndex, o.sliceCount)],
          pixelSpacing: [spacing, spacing],
          sliceThickness: ctPhantomSliceSpacingMm(o.sliceCount),
          acquisition: doses[k],
        });
        await stages[k].add(bytes, `demo-data ${ctContexts[k].seriesDescription}`);
      }
      o.onProgress?.(s.zIndex + 1, total, `CT slice ${s.zIndex + 1}/${o.sliceCount}`);
    }
    const seq = endoscopyFrames(o.endoscopyFrameCount, 336, o.seed);
    const esBase = {
      ...base,
      studyInstanceUid: esStudy,
      studyId: 'DEMO-ES',
      studyDescription: 'GSDiff demo: endoscopy-like sequence (synthetic)',
    };
    const esContexts: SyntheticSeriesContext[] = [
      {
        ...esBase,
        seriesInstanceUid: plan[3].seriesInstanceUid,
        seriesNumber: 1,
        seriesDescription: 'Endoscopy-like sequence with motion blur (synthetic)',
        provenance: `SYNTHETIC. Procedural mucosa-like texture, smooth camera path, per-frame linear motion blur of 0-15 px. gsdiff demo-data, seed ${o.seed}.`,
      },
      {
        ...esBase,
        seriesInstanceUid: plan[4].seriesInstanceUid,
        seriesNumber: 2,
        seriesDescription: 'Endoscopy-like sequence, sharp reference (synthetic)',
        provenance: 'SYNTHETIC GROUND TRUTH. The same frames before motion blur.',
      },
    ];
    const frameSets = [seq.blurred, seq.sharp];
    for (let k = 0; k < 2; k++) {
      const bytes = encodeEndoscopySequence(esContexts[k], {
        sopInstanceUid: uid('es', String(k)),
        instanceNumber: 1,
        rows: 336,
        columns: 336,
        frames: frameSets[k],
        frameTimeMs: ENDOSCOPY_FRAME_TIME_MS,
      });
      await stages[3 + k].add(bytes, `demo-data ${esContexts[k].seriesDescription}`);
    }
    o.onProgress?.(total, total, 'endoscopy sequence');
    for (const st of stages) await st.commit();
  } catch (e) {
    await Promise.all(stages.map((st) => st.abort().catch(() => undefined)));
    throw e;
  }
  return { alreadyPresent: false, series: plan };
}
