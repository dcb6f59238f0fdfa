import dicomParser from 'dicom-parser';

/** The identifying UIDs of a STOW-RS part, read before it is stored. */
export interface PartUids {
  readonly sopClassUid?: string;
  readonly sopInstanceUid?: string;
  readonly seriesInstanceUid?: string;
  readonly studyInstanceUid?: string;
}

/**
 * Reads the UIDs of a Part 10 file (PS3.18 10.5.1.2: STOW-RS `application/dicom` parts are Part 10 files) up to
 * the Pixel Data, without decoding pixels. pacs-adapters/dicomweb has the same reader (`instanceUids.ts`), but it
 * is internal to that folder and also accepts bare data sets.
 * @returns undefined when the bytes are not a parseable Part 10 file (the part is then refused with C000)
 */
export function partUids(bytes: Uint8Array): PartUids | undefined {
  let ds: dicomParser.DataSet;
  try {
    ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch {
    return undefined;
  }
  const read = (tag: string): string | undefined => {
    const v = ds.string(tag)?.replace(/\0/g, '').trim();
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    sopClassUid: read('x00080016'),
    sopInstanceUid: read('x00080018'),
    seriesInstanceUid: read('x0020000e'),
    studyInstanceUid: read('x0020000d'),
  };
}
