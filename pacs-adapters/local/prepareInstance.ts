import { createHash } from 'node:crypto';
import { pacsError } from '../errors.js';
import { parseDataSet, type DataSet } from '../dicom/parseDataSet.js';
import type { InstanceAttributes, SeriesAttributes, StudyAttributes } from './types.js';
import { checkUid } from './uid.js';

/** Media Storage Directory Storage: a DICOMDIR indexes files, it is not an instance. */
export const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';

/** Everything the index needs from one instance, plus the digest of its bytes. */
export interface PreparedInstance {
  readonly study: StudyAttributes;
  readonly series: SeriesAttributes;
  readonly instance: InstanceAttributes;
  readonly sha256: string;
  readonly byteSize: number;
  /** Path of the file relative to the store root, POSIX separators: objects/<study>/<series>/<sop>.dcm. */
  readonly relPath: string;
}

/**
 * Parses DICOM bytes, reads the attributes the index keeps and checks the three UIDs that become path
 * components. Image attributes are optional, so non-image objects (SR, KOS…) are accepted too; the full data
 * set is parsed, so truncated files are refused here rather than stored.
 * @param bytes - the complete Part 10 file (or bare data set)
 * @param file - names the source in errors
 * @throws PACS_ERR_NOT_DICOM, PACS_ERR_PARSE (from parseDataSet); PACS_ERR_MISSING_ATTRIBUTE when a UID is
 *   absent; PACS_ERR_BAD_ATTRIBUTE when a UID is not a DICOM UID or the file is a DICOMDIR
 */
export function prepareInstance(bytes: Uint8Array, file: string): PreparedInstance {
  const parsed = parseDataSet(bytes, file);
  const ds = parsed.dataSet;
  if (text(ds, 'x00020002') === DICOMDIR_SOP_CLASS) {
    throw pacsError(
      'PACS_ERR_BAD_ATTRIBUTE',
      `MediaStorageSOPClassUID (0002,0002) is ${DICOMDIR_SOP_CLASS}: expected a composite instance, got a DICOMDIR`,
      { file, tag: '00020002', field: 'DICOMDIR' },
    );
  }
  const studyInstanceUid = checkUid(required(ds, 'x0020000d', 'StudyInstanceUID', file), 'StudyInstanceUID', file);
  const seriesInstanceUid = checkUid(required(ds, 'x0020000e', 'SeriesInstanceUID', file), 'SeriesInstanceUID', file);
  const sopInstanceUid = checkUid(required(ds, 'x00080018', 'SOPInstanceUID', file), 'SOPInstanceUID', file);
  const sopClassUid = required(ds, 'x00080016', 'SOPClassUID', file);
  const hasPixels =
    ds.elements.x7fe00010 !== undefined || ds.elements.x7fe00008 !== undefined || ds.elements.x7fe00009 !== undefined;
  return {
    study: {
      studyInstanceUid,
      patientId: text(ds, 'x00100020'),
      patientName: text(ds, 'x00100010'),
      patientBirthDate: text(ds, 'x00100030'),
      patientSex: text(ds, 'x00100040'),
      studyDate: text(ds, 'x00080020'),
      studyTime: text(ds, 'x00080030'),
      studyDescription: text(ds, 'x00081030'),
      accessionNumber: text(ds, 'x00080050'),
      studyId: text(ds, 'x00200010'),
      referringPhysicianName: text(ds, 'x00080090'),
    },
    series: {
      studyInstanceUid,
      seriesInstanceUid,
      modality: text(ds, 'x00080060'),
      seriesNumber: integer(ds, 'x00200011'),
      seriesDescription: text(ds, 'x0008103e'),
      seriesDate: text(ds, 'x00080021'),
      seriesTime: text(ds, 'x00080031'),
      bodyPartExamined: text(ds, 'x00180015'),
    },
    instance: {
      studyInstanceUid,
      seriesInstanceUid,
      sopInstanceUid,
      sopClassUid,
      transferSyntaxUid: parsed.transferSyntaxUid,
      instanceNumber: integer(ds, 'x00200013'),
      rows: hasPixels ? unsigned16(ds, 'x00280010') : undefined,
      columns: hasPixels ? unsigned16(ds, 'x00280011') : undefined,
      numberOfFrames: hasPixels ? (integer(ds, 'x00280008') ?? 1) : undefined,
    },
    sha256: createHash('sha256').update(bytes).digest('hex'),
    byteSize: bytes.byteLength,
    relPath: instanceRelPath(studyInstanceUid, seriesInstanceUid, sopInstanceUid),
  };
}

/** objects/<study>/<series>/<sop>.dcm; the UIDs must have passed `checkUid`. */
export function instanceRelPath(study: string, series: string, sop: string): string {
  return `objects/${study}/${series}/${sop}.dcm`;
}

function text(ds: DataSet, tag: string): string | undefined {
  const v = ds.string(tag)?.trim();
  return v ? v : undefined;
}

function required(ds: DataSet, tag: string, name: string, file: string): string {
  const v = text(ds, tag);
  if (v !== undefined) return v;
  const bare = tag.slice(1).toUpperCase();
  throw pacsError(
    'PACS_ERR_MISSING_ATTRIBUTE',
    `${name} (${bare.slice(0, 4)},${bare.slice(4)}) missing: expected a UID`,
    {
      file,
      tag: bare,
      field: name,
    },
  );
}

function integer(ds: DataSet, tag: string): number | undefined {
  const v = ds.elements[tag] ? ds.intString(tag) : undefined;
  return v !== undefined && Number.isSafeInteger(v) ? v : undefined;
}

function unsigned16(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2) return undefined;
  return ds.uint16(tag);
}
