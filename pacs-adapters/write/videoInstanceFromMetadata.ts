import dcmjs from 'dcmjs';
import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import { writeVideoInstance } from './writeVideoInstance.js';

const { DicomMetaDictionary } = dcmjs.data;

/** One attribute of DICOM JSON (PS3.18 F.2) as a PACS sends it. */
type JsonAttribute = {
  readonly vr?: unknown;
  readonly Value?: unknown;
  readonly BulkDataURI?: unknown;
  readonly InlineBinary?: unknown;
};

/**
 * A Part 10 video instance rebuilt from what a WADO-RS server sends when asked for the bitstream instead of the
 * instance: the instance's DICOM JSON metadata plus the stream of its Pixel Data. Attributes the metadata only
 * references (BulkDataURI) or inlines as base64 are left out, as are the File Meta group and Pixel Data; the
 * stream goes into one fragment (writeVideoInstance). The result is the same data set, not the same bytes.
 * @param metadata - one DICOM JSON data set (tag -> { vr, Value })
 * @throws PACS_ERR_WRITE when dcmjs cannot read the metadata or writeVideoInstance refuses the attributes
 */
export function videoInstanceFromMetadata(
  metadata: Readonly<Record<string, JsonAttribute>>,
  transferSyntaxUid: string,
  bitstream: Uint8Array,
  context: string,
): Uint8Array {
  const kept: Record<string, { vr: string; Value?: unknown[] }> = {};
  for (const [tag, attr] of Object.entries(metadata)) {
    const t = tag.toUpperCase();
    if (typeof attr.vr !== 'string' || (attr.Value !== undefined && !Array.isArray(attr.Value))) {
      throw pacsError('PACS_ERR_WRITE', `metadata attribute ${t}: expected DICOM JSON { vr, Value: [...] }`, {
        file: context,
        tag: t,
      });
    }
    if (t.startsWith('0002') || t === '7FE00010' || attr.BulkDataURI !== undefined || attr.InlineBinary !== undefined) {
      continue;
    }
    kept[t] = { vr: attr.vr, ...(attr.Value !== undefined ? { Value: attr.Value as unknown[] } : {}) };
  }
  let dataset;
  try {
    dataset = DicomMetaDictionary.naturalizeDataset(kept);
  } catch (e) {
    throw pacsError(
      'PACS_ERR_WRITE',
      `the DICOM JSON metadata could not be read: ${describeThrown(e)}`,
      { file: context },
      e,
    );
  }
  return writeVideoInstance({ dataset, transferSyntaxUid, bitstream, context });
}
