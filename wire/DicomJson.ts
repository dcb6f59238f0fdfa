/**
 * The DICOM JSON model (PS3.18 Annex F): what QIDO-RS and WADO-RS metadata answer and STOW-RS reports carry, whoever
 * sends them (a PACS to pacs-adapters, the server's `/dicom-web` to the viewer). Types only; reading and writing
 * stay with their owners (pacs-adapters/dicomweb, server/dicomweb, viewer/src/dicomJson.ts).
 */

/** A PN value (PS3.18 F.2.2): one string per component group. */
export interface PersonNameJson {
  readonly Alphabetic?: string;
  readonly Ideographic?: string;
  readonly Phonetic?: string;
}

/** One value: strings and numbers (IS and DS are numbers, though some servers send strings), PN objects, SQ items. */
export type DicomJsonValue = string | number | null | PersonNameJson | DicomJsonDataset;

/** One attribute of a DICOM JSON data set (PS3.18 F.2.2). */
export interface DicomJsonAttribute {
  readonly vr: string;
  readonly Value?: readonly DicomJsonValue[];
  readonly InlineBinary?: string;
  readonly BulkDataURI?: string;
}

/** A DICOM JSON data set: attributes keyed by eight-hex-digit tag (upper case, in tag order when we write one). */
export type DicomJsonDataset = { readonly [tag: string]: DicomJsonAttribute };
