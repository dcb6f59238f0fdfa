/**
 * Texts of A-ASSOCIATE-RJ result / source / reason (PS3.8 9.3.4) and A-ABORT source / reason (PS3.8 9.3.8).
 */
export function describeRejection(result: number, source: number, reason: number): string {
  const r = result === 1 ? 'permanent' : result === 2 ? 'transient' : `result ${result}`;
  const s = SOURCES[source] ?? `source ${source}`;
  const why = REASONS[source]?.[reason] ?? `reason ${reason}`;
  return `${r}, ${s}: ${why}`;
}

/** A transient rejection (result 2) may succeed later; a permanent one will not. */
export function isTransientRejection(result: number): boolean {
  return result === 2;
}

export function describeAbort(source: number, reason: number): string {
  const s = source === 0 ? 'service user' : source === 2 ? 'service provider' : `source ${source}`;
  const why = ABORT_REASONS[reason] ?? `reason ${reason}`;
  return `${s}, ${why}`;
}

const SOURCES: Readonly<Record<number, string>> = {
  1: 'service user',
  2: 'service provider (ACSE)',
  3: 'service provider (presentation)',
};

const REASONS: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  1: {
    1: 'no reason given',
    2: 'application context name not supported',
    3: 'calling AE title not recognized',
    7: 'called AE title not recognized',
  },
  2: { 1: 'no reason given', 2: 'protocol version not supported' },
  3: { 1: 'temporary congestion', 2: 'local limit exceeded' },
};

const ABORT_REASONS: Readonly<Record<number, string>> = {
  0: 'reason not specified',
  1: 'unrecognized PDU',
  2: 'unexpected PDU',
  4: 'unrecognized PDU parameter',
  5: 'unexpected PDU parameter',
  6: 'invalid PDU parameter value',
};
