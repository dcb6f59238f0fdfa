/**
 * Meanings of the DICOM status codes a STOW-RS answer carries in FailureReason (0008,1197) and WarningReason
 * (0008,1196) (PS3.18 Table 10.5.3-3 / I.2-1, PS3.4 Annex B.2.3).
 */
const REASONS: Readonly<Record<string, string>> = {
  '0110': 'Processing failure',
  '0111': 'Duplicate SOP Instance',
  '0122': 'SOP Class not supported',
  '0124': 'Not authorized',
  '0211': 'Unrecognized operation',
  A700: 'Out of resources',
  A770: 'Out of resources: unable to store the instance',
  A900: 'Data set does not match SOP Class',
  B000: 'Coercion of data elements',
  B006: 'Elements discarded',
  B007: 'Data set does not match SOP Class',
  C000: 'Cannot understand',
  C122: 'Referenced Transfer Syntax not supported',
  C123: 'Unsupported media type (SOP Class or Transfer Syntax)',
};

/**
 * A status value as four upper-case hex digits: the US value arrives as a JSON number (49152) or, from some
 * servers, as a string ("C000" or "49152").
 */
export function statusHex(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffff) {
    return value.toString(16).toUpperCase().padStart(4, '0');
  }
  if (typeof value === 'string') {
    const v = value.trim();
    if (/^\d+$/.test(v) && v.length !== 4) return statusHex(Number(v));
    if (/^(0x)?[0-9A-Fa-f]{4}$/.test(v)) return v.slice(-4).toUpperCase();
  }
  return undefined;
}

/** "C000 Cannot understand"-style text for a status value, or "status unknown". */
export function describeStatus(hex: string | undefined): string {
  if (hex === undefined) return 'no status given';
  const meaning =
    REASONS[hex] ??
    (hex.startsWith('A7')
      ? 'Out of resources'
      : hex.startsWith('A9')
        ? 'Data set does not match SOP Class'
        : hex.startsWith('C')
          ? 'Cannot understand'
          : undefined);
  return meaning === undefined ? `status ${hex}` : `status ${hex} (${meaning})`;
}
