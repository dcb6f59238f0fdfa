import type { DicomInstance } from '../dicom/DicomInstance.js';
import { pacsError } from '../errors.js';
import type { SliceRef } from '../series/AssembledSeries.js';
import { derivedAsVideo, type DerivedVideoOptions } from './derivedAsVideo.js';
import type { DerivationInfo, DerivedSeriesSpec } from './DerivationInfo.js';
import { writeDerivedInstance, type DerivedInstance } from './writeDerivedInstance.js';

export interface DerivedSeriesWriterOptions {
  /** The slices being restored, in the order the pipeline numbers its frames. */
  readonly slices: readonly SliceRef[];
  readonly kind: 'modality' | 'rgb';
  readonly spec: DerivedSeriesSpec;
  /** The source instance of a SOPInstanceUID (a map lookup, or a re-read from disk to keep memory bounded). */
  readonly source: (sopInstanceUid: string) => DicomInstance | Promise<DicomInstance>;
  /**
   * RGB series only: write each instance as H.264 (or HEVC) video (`derivedAsVideo`) instead of uncompressed, for
   * archives that expect video. Absent (the default): lossless Explicit VR Little Endian.
   */
  readonly video?: DerivedVideoOptions;
}

/**
 * Turns restored frames, arriving one by one in any order, into derived instances: the frames of a source instance
 * are held until all of them (every slice of it in `slices`) are in, then written with writeDerivedInstance and
 * dropped, so only incomplete multi-frame instances stay in memory.
 * @example
 * const writer = new DerivedSeriesWriter({ slices, kind: 'modality', spec, source: (uid) => instances.get(uid)! });
 * for await (const ev of restoreSeries(...)) if (ev.type === 'frame') {
 *   const d = await writer.add(ev.index, ev.values, derivation);
 *   if (d) await stage.add(d.bytes);
 * }
 */
export class DerivedSeriesWriter {
  private readonly expected = new Map<string, number>();
  private readonly pending = new Map<string, (Float32Array | Uint8Array)[]>();
  private writtenCount = 0;
  private clipped = 0;

  constructor(private readonly o: DerivedSeriesWriterOptions) {
    for (const ref of o.slices) this.expected.set(ref.sopInstanceUid, (this.expected.get(ref.sopInstanceUid) ?? 0) + 1);
  }

  /** Derived instances written so far. */
  get written(): number {
    return this.writtenCount;
  }

  /** Pixels clamped to the stored range over the instances written so far. */
  get clippedPixels(): number {
    return this.clipped;
  }

  /** Source instances with some but not all frames in. */
  get incomplete(): number {
    return this.pending.size;
  }

  /**
   * Takes restored frame `index` (an index into `slices`).
   * @returns the derived instance when this frame completed its source instance, else undefined
   * @throws PACS_ERR_FRAME_INDEX for an index outside `slices`; every error of writeDerivedInstance (and of
   *   derivedAsVideo when `video` is set)
   */
  async add(
    index: number,
    values: Float32Array | Uint8Array,
    derivation: DerivationInfo,
  ): Promise<DerivedInstance | undefined> {
    const ref = this.o.slices[index];
    if (ref === undefined) {
      throw pacsError(
        'PACS_ERR_FRAME_INDEX',
        `DerivedSeriesWriter.add: frame ${index}: expected 0..${this.o.slices.length - 1}`,
        {
          frame: index,
        },
      );
    }
    const got = this.pending.get(ref.sopInstanceUid) ?? [];
    got[ref.frameIndex] = values;
    this.pending.set(ref.sopInstanceUid, got);
    if (got.filter(Boolean).length < (this.expected.get(ref.sopInstanceUid) ?? 0)) return undefined;
    const inst = await this.o.source(ref.sopInstanceUid);
    const written = writeDerivedInstance(
      inst,
      this.o.kind === 'rgb'
        ? { kind: 'rgb', frames: got as Uint8Array[] }
        : { kind: 'modality', frames: got as Float32Array[] },
      derivation,
      this.o.spec,
    );
    const d = this.o.video && this.o.kind === 'rgb' ? await derivedAsVideo(written, this.o.video) : written;
    this.pending.delete(ref.sopInstanceUid);
    this.writtenCount++;
    this.clipped += d.clippedPixels;
    return d;
  }
}
