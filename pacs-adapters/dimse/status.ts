/**
 * DIMSE status codes (PS3.7 Annex C): the class of a status and a readable meaning. Status meanings in the 0xAxxx,
 * 0xBxxx and 0xCxxx ranges are service-specific; the texts below are those of C-STORE, C-FIND, C-GET and C-MOVE.
 */
export type StatusKind = 'success' | 'pending' | 'cancel' | 'warning' | 'failure';

export const STATUS = {
  SUCCESS: 0x0000,
  PENDING: 0xff00,
  PENDING_WARNING: 0xff01,
  CANCEL: 0xfe00,
  PROCESSING_FAILURE: 0x0110,
  SOP_CLASS_NOT_SUPPORTED: 0x0122,
  OUT_OF_RESOURCES: 0xa700,
  CANNOT_UNDERSTAND: 0xc000,
  SUBOPERATIONS_WITH_FAILURES: 0xb000,
} as const;

const MEANINGS: Readonly<Record<number, string>> = {
  0x0000: 'Success',
  0x0001: 'Warning: requested optional attributes are not supported',
  0x0107: 'Warning: attribute list error',
  0x0116: 'Warning: attribute value out of range',
  0x0110: 'Processing failure',
  0x0111: 'Duplicate SOP instance',
  0x0112: 'No such SOP instance',
  0x0117: 'Invalid object instance',
  0x0118: 'No such SOP class',
  0x0119: 'Class-instance conflict',
  0x0120: 'Missing attribute',
  0x0121: 'Missing attribute value',
  0x0122: 'Refused: SOP class not supported',
  0x0124: 'Refused: not authorized',
  0x0210: 'Duplicate invocation',
  0x0211: 'Unrecognized operation',
  0x0212: 'Mistyped argument',
  0x0213: 'Resource limitation',
  0xa700: 'Refused: out of resources',
  0xa701: 'Refused: out of resources, unable to calculate number of matches',
  0xa702: 'Refused: out of resources, unable to perform sub-operations',
  0xa801: 'Refused: move destination unknown',
  0xa900: 'Data set does not match SOP class (or identifier does not match SOP class)',
  0xb000: 'Warning: coercion of data elements, or sub-operations complete with one or more failures',
  0xb006: 'Warning: elements discarded',
  0xb007: 'Warning: data set does not match SOP class',
  0xc000: 'Error: cannot understand',
  0xfe00: 'Cancelled',
  0xff00: 'Pending',
  0xff01: 'Pending: optional keys not supported',
};

/** The class of a status word (PS3.7 C.1-C.4). */
export function statusKind(status: number): StatusKind {
  if (status === 0x0000) return 'success';
  if (status === 0xff00 || status === 0xff01) return 'pending';
  if (status === 0xfe00) return 'cancel';
  if (status === 0x0001 || status === 0x0107 || status === 0x0116 || (status >= 0xb000 && status <= 0xbfff)) {
    return 'warning';
  }
  return 'failure';
}

/** "0xA700", the form StoreFailure.code and error details carry. */
export function hexStatus(status: number): string {
  return `0x${status.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** "0xA700 Refused: out of resources"; unknown codes are named by class. */
export function describeStatus(status: number): string {
  const known = MEANINGS[status];
  if (known) return `${hexStatus(status)} ${known}`;
  if (status >= 0xa000 && status <= 0xafff) return `${hexStatus(status)} Refused (service-specific)`;
  if (status >= 0xc000 && status <= 0xcfff) return `${hexStatus(status)} Error: cannot understand (service-specific)`;
  return `${hexStatus(status)} ${statusKind(status)}`;
}
