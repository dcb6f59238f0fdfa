import { isVideoEncoding, supportedTransferSyntaxes } from '../dicom/transferSyntax.js';
import { constants } from './library.js';

const { StorageClass, TransferSyntax } = constants;

export const VERIFICATION_SOP_CLASS = constants.SopClass.Verification;
export const IMPLICIT_VR_LE = TransferSyntax.ImplicitVRLittleEndian;
export const EXPLICIT_VR_LE = TransferSyntax.ExplicitVRLittleEndian;

/** Storage SOP classes dcmjs-dimse lacks a constant for but modalities and PACS send. */
const EXTRA_STORAGE_CLASSES = [
  '1.2.840.10008.5.1.4.1.1.11.1', // Grayscale Softcopy Presentation State
  '1.2.840.10008.5.1.4.1.1.11.2', // Color Softcopy Presentation State
  '1.2.840.10008.5.1.4.1.1.66', // Raw Data
  '1.2.840.10008.5.1.4.1.1.66.4', // Segmentation
  '1.2.840.10008.5.1.4.1.1.88.59', // Key Object Selection Document
  '1.2.840.10008.5.1.4.1.1.6.2', // Enhanced US Volume
];

/**
 * Storage SOP classes the C-STORE SCP accepts by default: every image, SR, presentation state and document class
 * the library names (CT, Enhanced CT, MR, Enhanced MR, PET, NM, US, XA, RF, CR, DX, MG, SC and multi-frame SC,
 * VL Endoscopic and Video Endoscopic, VL Photographic and Microscopic, ophthalmic, RT Image, SR, PDF, CDA) plus
 * the extras above.
 */
export const STORAGE_SOP_CLASSES: readonly string[] = Object.freeze([
  ...new Set([...Object.values(StorageClass as unknown as Record<string, string>), ...EXTRA_STORAGE_CLASSES]),
]);

/**
 * Transfer syntaxes the SCP accepts: exactly those this module can decode (dicom/transferSyntax.ts), so whatever
 * arrives can be read; compressed data is accepted and kept as it is, never transcoded.
 */
export const SCP_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set(supportedTransferSyntaxes().map((t) => t.uid));

/**
 * Which of the proposed transfer syntaxes to accept: Explicit VR Little Endian if proposed, else the first other
 * supported one in the proposer's order (a sender that offers a compressed syntax alone, in a context of its own,
 * gets its data accepted as it is), Implicit VR Little Endian last.
 */
export function chooseTransferSyntax(proposed: readonly string[], supported: ReadonlySet<string>): string | undefined {
  if (proposed.includes(EXPLICIT_VR_LE) && supported.has(EXPLICIT_VR_LE)) return EXPLICIT_VR_LE;
  const other = proposed.find((ts) => ts !== IMPLICIT_VR_LE && supported.has(ts));
  if (other) return other;
  return proposed.includes(IMPLICIT_VR_LE) && supported.has(IMPLICIT_VR_LE) ? IMPLICIT_VR_LE : undefined;
}

/** The video storage classes (PS3.4 B.5): Video Endoscopic, Video Microscopic, Video Photographic Image Storage. */
export const VIDEO_SOP_CLASSES: ReadonlySet<string> = new Set([
  '1.2.840.10008.5.1.4.1.1.77.1.1.1',
  '1.2.840.10008.5.1.4.1.1.77.1.2.1',
  '1.2.840.10008.5.1.4.1.1.77.1.4.1',
]);

/** JPEG Baseline: the other compressed syntax video classes are stored in (VL multi-frame JPEG). */
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

/**
 * The compressed syntaxes worth proposing, one context each, for a SOP class when retrieving with C-GET: the MPEG-2,
 * H.264 and HEVC syntaxes plus JPEG Baseline for a video class; the image syntaxes for every other class (a CT is
 * never stored as H.264, and 16 video contexts per class would exhaust the 128-context budget).
 */
export function compressedSyntaxesFor(sopClassUid: string): string[] {
  const video = VIDEO_SOP_CLASSES.has(sopClassUid);
  return [...SCP_TRANSFER_SYNTAXES].filter((uid) => {
    if (uid === EXPLICIT_VR_LE || uid === IMPLICIT_VR_LE) return false;
    const info = supportedTransferSyntaxes().find((t) => t.uid === uid);
    const isVideo = info !== undefined && isVideoEncoding(info.encoding);
    return video ? isVideo || uid === JPEG_BASELINE : !isVideo;
  });
}
