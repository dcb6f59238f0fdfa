import dcmjs, { type NaturalDataset } from 'dcmjs';
import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import { EXPLICIT_LE } from '../dicom/transferSyntax.js';

export type { NaturalDataset };

const { DicomDict, DicomMessage, DicomMetaDictionary } = dcmjs.data;
// dcmjs prints through console (e.g. "Invalid vr type ox" for every implicit-VR Pixel Data, its dictionary's
// OB-or-OW); failures that matter throw and become PACS_ERR_* errors, so its own log stays silent. Its validation
// logger is a separate loglevel child that the root level does not reach.
dcmjs.log.setLevel('silent');
(dcmjs.log as unknown as { getLogger(name: string): { setLevel(level: string): void } })
  .getLogger('validation.dcmjs')
  .setLevel('silent');

/** Identifies files this module wrote (PS3.7 Annex D: implementation class UID / version name). */
export const IMPLEMENTATION_CLASS_UID = '2.25.300981295616409215474541395626766130001';
export const IMPLEMENTATION_VERSION_NAME = 'GSDIFF_010';

/** A new globally unique UID, 2.25 + a random UUID as a decimal integer (PS3.5 B.2), from dcmjs. */
export function newUid(): string {
  return DicomMetaDictionary.uid();
}

/**
 * Reads a Part 10 file into a naturalized (keyword-keyed) data set with dcmjs, the form the writers edit.
 * @throws PACS_ERR_PARSE
 */
export function readNaturalDataset(bytes: Uint8Array, file: string): NaturalDataset {
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const dict = DicomMessage.readFile(ab);
    return DicomMetaDictionary.naturalizeDataset(dict.dict);
  } catch (e) {
    throw pacsError('PACS_ERR_PARSE', `dcmjs could not read the data set: ${describeThrown(e)}`, { file }, e);
  }
}

/**
 * Encodes a naturalized data set as a Part 10 file in Explicit VR Little Endian. Another explicit little-endian
 * syntax may be named for files whose encapsulated Pixel Data the caller appends (video: writeVideoInstance);
 * dcmjs encodes the attributes the same way for any such syntax.
 * @throws PACS_ERR_WRITE
 */
export function encodePart10(ds: NaturalDataset, context: string, transferSyntaxUid = EXPLICIT_LE): Uint8Array {
  const sopClass = ds.SOPClassUID;
  const sopInstance = ds.SOPInstanceUID;
  if (typeof sopClass !== 'string' || typeof sopInstance !== 'string') {
    throw pacsError('PACS_ERR_WRITE', 'SOPClassUID and SOPInstanceUID are required to write a file', { file: context });
  }
  try {
    const meta = DicomMetaDictionary.denaturalizeDataset({
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: sopClass,
      MediaStorageSOPInstanceUID: sopInstance,
      TransferSyntaxUID: transferSyntaxUid,
      ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
      ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
      _vrMap: { FileMetaInformationVersion: 'OB' },
    });
    const dict = new DicomDict(meta);
    dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
    return new Uint8Array(dict.write());
  } catch (e) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `dcmjs could not encode the data set: ${describeThrown(e)}`,
      { file: context },
      e,
    );
  }
}

/** DICOM DA / TM of a moment, as dcmjs' own helpers format them but for a given date. */
export function dicomDateTime(d: Date): { date: string; time: string } {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return {
    date: `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`,
    time: `${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`,
  };
}
