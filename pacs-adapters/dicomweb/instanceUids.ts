import { parseDataSet } from '../dicom/parseDataSet.js';
import { pacsError } from '../errors.js';

/** The UIDs a retrieved or to-be-stored instance is known by. */
export interface InstanceUids {
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid?: string;
  readonly studyInstanceUid?: string;
}

/**
 * Reads the identifying UIDs of a DICOM instance (Part 10 or bare data set) without touching its pixel data.
 * @param where - names the source in errors (URL and part index, or "instance #k")
 * @throws PACS_ERR_NOT_DICOM, PACS_ERR_PARSE, PACS_ERR_MISSING_ATTRIBUTE (no SOPInstanceUID)
 */
export function instanceUids(bytes: Uint8Array, where: string): InstanceUids {
  const { dataSet } = parseDataSet(bytes, where, { untilTag: 'x7fe00010' });
  const read = (tag: string): string | undefined => {
    const v = dataSet.string(tag)?.replace(/\0/g, '').trim();
    return v === undefined || v === '' ? undefined : v;
  };
  const sopInstanceUid = read('x00080018');
  if (sopInstanceUid === undefined) {
    throw pacsError('PACS_ERR_MISSING_ATTRIBUTE', 'SOPInstanceUID (0008,0018) missing: expected a UID', {
      file: where,
      tag: '00080018',
    });
  }
  return { sopInstanceUid, seriesInstanceUid: read('x0020000e'), studyInstanceUid: read('x0020000d') };
}
