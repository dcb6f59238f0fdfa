import { describeThrown, GsdiffError } from '../../common/index.js';

/**
 * STOW-RS Failure Reason (0008,1197) values used here (PS3.18 Table 10.5.3-3, PS3.4 Annex B.2.3), with the
 * meaning each has in this server.
 */
export const FAILURE_REASON = {
  /** Not a DICOM Part 10 file, no or malformed UIDs, a part of another media type, a malformed body remainder. */
  cannotUnderstand: 0xc000,
  /** The instance's StudyInstanceUID is not the study of `POST /studies/{study}`, or its series is stored under another study. */
  identifierMismatch: 0xa900,
  /** The SOPInstanceUID is stored with other bytes (the store never overwrites through STOW-RS). */
  duplicateSopInstance: 0x0111,
  /** A SOP class that is not a storage class (a DICOMDIR). */
  sopClassNotSupported: 0x0122,
  /** The disk is full (ENOSPC, EDQUOT). */
  outOfResources: 0xa700,
  /** Any other failure to write or index the instance. */
  processingFailure: 0x0110,
} as const;

/** A Failure Reason and a one-line why (logged and audited; never sent with patient data). */
export interface StowFailure {
  readonly reason: number;
  readonly why: string;
}

/** Maps an error of LocalStore.storeInstance to a Failure Reason. */
export function storeFailure(e: unknown): StowFailure {
  const why = describeThrown(e);
  if (!(e instanceof GsdiffError)) return { reason: FAILURE_REASON.processingFailure, why };
  switch (e.code) {
    case 'PACS_ERR_NOT_DICOM':
    case 'PACS_ERR_PARSE':
    case 'PACS_ERR_MISSING_ATTRIBUTE':
    case 'PACS_ERR_BAD_ATTRIBUTE':
      return {
        reason: e.details.field === 'DICOMDIR' ? FAILURE_REASON.sopClassNotSupported : FAILURE_REASON.cannotUnderstand,
        why,
      };
    case 'PACS_ERR_STORE_CONFLICT':
      return {
        reason: e.details.tag === '00080018' ? FAILURE_REASON.duplicateSopInstance : FAILURE_REASON.identifierMismatch,
        why,
      };
    case 'PACS_ERR_FILE_TOO_LARGE':
      return { reason: FAILURE_REASON.outOfResources, why };
    default:
      return { reason: diskFull(e) ? FAILURE_REASON.outOfResources : FAILURE_REASON.processingFailure, why };
  }
}

function diskFull(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c !== undefined && c !== null && depth < 5; depth++) {
    const code = (c as { code?: unknown }).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return true;
    c = (c as { cause?: unknown }).cause;
  }
  return false;
}

/** Four hex digits, for logs and audit details. */
export const hex = (reason: number): string => reason.toString(16).toUpperCase().padStart(4, '0');
