/** A series handed to the pipeline: frames fetched on demand, so a long series is never held whole. */
export type SeriesSource =
  | {
      readonly kind: 'ct';
      readonly count: number;
      readonly height: number;
      readonly width: number;
      /** H·W values in HU, row-major. */
      frame(i: number): Promise<Float32Array>;
    }
  | {
      readonly kind: 'rgb';
      readonly count: number;
      readonly height: number;
      readonly width: number;
      /** H·W·3 bytes, interleaved RGB. */
      frame(i: number): Promise<Uint8Array>;
    };

/** What a series holds: CT values (HU) or colour frames (capsule, endoscopy); some packs act differently on each. */
export type SeriesKind = SeriesSource['kind'];
