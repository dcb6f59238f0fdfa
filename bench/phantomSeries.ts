import { ctPhantomSlice } from '../demo/index.js';
import { encodeCtSlice, newUid } from '../pacs-adapters/index.js';

export interface PhantomSeriesOptions {
  readonly slices: number;
  readonly size: number;
  /** Table step and slice thickness (mm). */
  readonly stepMm: number;
  /** In-plane pixel side (mm). */
  readonly pixelMm: number;
  /** Slices the phantom's anatomy spans (default: slices). */
  readonly depthSlices?: number;
}

/**
 * A synthetic CT phantom series (the demo's anatomy, 2 mGy) for the benchmarks: its UIDs and its Part 10 instances,
 * encoded one at a time as they are iterated (a long series is never held whole).
 */
export function encodePhantomSeries(o: PhantomSeriesOptions): {
  study: string;
  series: string;
  instances: Iterable<Uint8Array>;
} {
  const study = newUid();
  const series = newUid();
  const ctx = {
    patientId: 'B',
    patientName: 'BENCH',
    studyInstanceUid: study,
    studyId: 'B',
    studyDescription: 'bench',
    seriesInstanceUid: series,
    seriesNumber: 1,
    seriesDescription: 'phantom',
    frameOfReferenceUid: newUid(),
    provenance: 'SIMULATED' as const,
    softwareVersion: 'bench',
    createdAt: new Date(),
  };
  function* instances(): Generator<Uint8Array> {
    for (let z = 0; z < o.slices; z++) {
      yield encodeCtSlice(ctx, {
        sopInstanceUid: newUid(),
        instanceNumber: z + 1,
        rows: o.size,
        columns: o.size,
        hu: ctPhantomSlice(z, o.depthSlices ?? o.slices, o.size),
        position: [0, 0, z * o.stepMm],
        pixelSpacing: [o.pixelMm, o.pixelMm],
        sliceThickness: o.stepMm,
        acquisition: { ctdiVol: 2 },
      });
    }
  }
  return { study, series, instances: instances() };
}
