// Minimal typings for the parts of dcmjs 0.51 the module uses (dcmjs ships no declarations).
declare module 'dcmjs' {
  /** A "naturalized" data set: keyword-keyed values as dcmjs produces them. */
  export type NaturalDataset = { [keyword: string]: unknown; _vrMap?: Record<string, string> };
  export type DenaturalizedDataset = Record<string, { vr: string; Value?: unknown[] }>;
  interface DicomDictInstance {
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomMessage: {
        readFile(
          buffer: ArrayBuffer,
          options?: { ignoreErrors?: boolean; untilTag?: string; includeUntilTagValue?: boolean },
        ): DicomDictInstance;
      };
      DicomMetaDictionary: {
        naturalizeDataset(ds: DenaturalizedDataset): NaturalDataset;
        denaturalizeDataset(ds: NaturalDataset): DenaturalizedDataset;
        uid(): string;
        date(): string;
        time(): string;
      };
      DicomDict: new (meta: DenaturalizedDataset) => DicomDictInstance;
    };
    log: { setLevel(level: string): void; getLevel(): number };
  };
  export default dcmjs;
}
