import dcmjs from 'dcmjs';

/** One data element of the DICOM dictionary (PS3.6), as dcmjs ships it. */
export interface DictionaryEntry {
  /** Eight upper-case hex digits, e.g. `00100020`. */
  readonly tag: string;
  readonly keyword: string;
  readonly vr: string;
}

interface DcmjsEntry {
  readonly tag: string;
  readonly vr: string;
  readonly name: string;
}

// dcmjs exposes its dictionary at run time; types/dcmjs.d.ts does not declare it, so it is read through this shape.
const meta = dcmjs.data.DicomMetaDictionary as unknown as {
  readonly nameMap: Readonly<Record<string, DcmjsEntry | undefined>>;
  readonly dictionary: Readonly<Record<string, DcmjsEntry | undefined>>;
};

const TAG = /^[0-9A-Fa-f]{8}$/;

function entry(e: DcmjsEntry): DictionaryEntry | undefined {
  const m = /^\(([0-9A-Fa-f]{4}),([0-9A-Fa-f]{4})\)$/.exec(e.tag);
  if (!m) return undefined; // repeating-group entries such as (60xx,3000)
  return { tag: `${m[1]}${m[2]}`.toUpperCase(), keyword: e.name, vr: e.vr.split('|')[0] ?? 'UN' };
}

/**
 * Looks up an attribute named by keyword (`PatientID`) or by tag (`00100020`, any case), as QIDO-RS accepts both
 * (PS3.18 8.3.4.1). A well-formed tag missing from the dictionary (private, retired-unknown) is returned with VR UN.
 * @returns undefined when `name` is neither a known keyword nor eight hex digits
 */
export function lookupAttribute(name: string): DictionaryEntry | undefined {
  if (TAG.test(name)) {
    const tag = name.toUpperCase();
    const known = meta.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
    const e = known ? entry(known) : undefined;
    return e ?? { tag, keyword: tag, vr: 'UN' };
  }
  const known = Object.prototype.hasOwnProperty.call(meta.nameMap, name) ? meta.nameMap[name] : undefined;
  return known ? entry(known) : undefined;
}
