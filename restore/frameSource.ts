import type { SeriesSource } from '../models/index.js';
import { frameValues, pacsError } from '../pacs-adapters/index.js';
import type { SourceSeries } from './SourceSeries.js';

/**
 * The series as the pipeline takes it, each frame decoded on demand: HU for a greyscale series, interleaved RGB
 * for a colour one (SamplesPerPixel 3).
 * @throws PACS_ERR_SERIES_INCONSISTENT when an instance decodes to the other kind than the series' first
 */
export function frameSource(source: SourceSeries): SeriesSource {
  const { series } = source;
  const decode = async (i: number): Promise<{ values: Float32Array | Uint8Array; file: string }> => {
    const ref = series.slices[i];
    const inst = await source.instance(ref.sopInstanceUid);
    return { values: await frameValues(inst, ref.frameIndex), file: inst.file };
  };
  const size = { count: series.slices.length, height: series.rows, width: series.columns };
  if (series.samplesPerPixel === 3) {
    return {
      kind: 'rgb',
      ...size,
      frame: async (i) => {
        const { values, file } = await decode(i);
        if (values instanceof Uint8Array) return values;
        throw kindMismatch(i, file, 'RGB', 'greyscale');
      },
    };
  }
  return {
    kind: 'ct',
    ...size,
    frame: async (i) => {
      const { values, file } = await decode(i);
      if (values instanceof Float32Array) return values;
      throw kindMismatch(i, file, 'greyscale', 'RGB');
    },
  };
}

function kindMismatch(frame: number, file: string, expected: string, got: string): Error {
  return pacsError(
    'PACS_ERR_SERIES_INCONSISTENT',
    `restoreDicomSeries: frame ${frame}: expected ${expected} values like the series' first instance, got ${got}`,
    { file, frame, tag: '00280002' },
  );
}
