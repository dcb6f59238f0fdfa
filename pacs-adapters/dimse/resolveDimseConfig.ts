import {
  DIMSE_DEFAULTS,
  type DimseConfig,
  type DimsePeer,
  type DimseRetrieve,
  type ResolvedDimseConfig,
} from './DimseConfig.js';
import { configChecks } from '../net/configChecks.js';

const { positiveInt, nonNegativeInt, configError } = configChecks('dimse config');

/** PDU lengths: PS3.8 9.3.1 allows any; the library sends at most 4 MiB, and below 4 KiB nothing useful fits. */
const MIN_PDU = 4096;
const MAX_PDU = 4 * 1024 * 1024;

/**
 * Validates a DIMSE configuration once, fills defaults and freezes it.
 * @param config - the caller's settings
 * @throws PACS_ERR_CONFIG naming the field and what was expected
 * @example resolveDimseConfig({ callingAet: 'GSDIFF', peer: { aet: 'ORTHANC', host: '127.0.0.1', port: 4242 } })
 */
export function resolveDimseConfig(config: DimseConfig): ResolvedDimseConfig {
  const retries = { ...DIMSE_DEFAULTS.retries, ...(config.retries ?? {}) };
  const resolved: ResolvedDimseConfig = {
    callingAet: checkAet('callingAet', config.callingAet),
    peer: checkPeer('peer', config.peer),
    associationTimeoutMs: positiveInt(
      'associationTimeoutMs',
      config.associationTimeoutMs ?? DIMSE_DEFAULTS.associationTimeoutMs,
    ),
    dimseTimeoutMs: positiveInt('dimseTimeoutMs', config.dimseTimeoutMs ?? DIMSE_DEFAULTS.dimseTimeoutMs),
    maxPduLength: checkPdu(config.maxPduLength ?? DIMSE_DEFAULTS.maxPduLength),
    retrieve: checkRetrieve(config.retrieve ?? DIMSE_DEFAULTS.retrieve),
    retries: Object.freeze({
      attempts: positiveInt('retries.attempts', retries.attempts),
      baseDelayMs: nonNegativeInt('retries.baseDelayMs', retries.baseDelayMs),
      maxDelayMs: nonNegativeInt('retries.maxDelayMs', retries.maxDelayMs),
    }),
    storeBatchSize: positiveInt('storeBatchSize', config.storeBatchSize ?? DIMSE_DEFAULTS.storeBatchSize),
    storeBatchBytes: positiveInt('storeBatchBytes', config.storeBatchBytes ?? DIMSE_DEFAULTS.storeBatchBytes),
    maxInstanceBytes: positiveInt('maxInstanceBytes', config.maxInstanceBytes ?? DIMSE_DEFAULTS.maxInstanceBytes),
    maxFindResults: positiveInt('maxFindResults', config.maxFindResults ?? DIMSE_DEFAULTS.maxFindResults),
    retrieveBufferSize: positiveInt(
      'retrieveBufferSize',
      config.retrieveBufferSize ?? DIMSE_DEFAULTS.retrieveBufferSize,
    ),
  };
  if (resolved.retries.maxDelayMs < resolved.retries.baseDelayMs) {
    throw configError(
      'retries.maxDelayMs',
      `is ${resolved.retries.maxDelayMs}: expected at least retries.baseDelayMs (${resolved.retries.baseDelayMs})`,
    );
  }
  return Object.freeze(resolved);
}

/**
 * An AE title: 1-16 characters of the default repertoire without backslash or control characters, not all spaces
 * (PS3.5 6.2, VR AE). Leading and trailing spaces are not significant and are removed.
 * @throws PACS_ERR_CONFIG
 */
export function checkAet(field: string, value: unknown): string {
  const aet = typeof value === 'string' ? value.trim() : '';
  if (aet === '' || aet.length > 16 || !/^[\x20-\x5b\x5d-\x7e]+$/.test(aet)) {
    throw configError(
      field,
      `is ${JSON.stringify(value)}: expected 1-16 printable ASCII characters without backslash (an AE title)`,
    );
  }
  return aet;
}

/** @throws PACS_ERR_CONFIG */
export function checkPort(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
    throw configError(field, `is ${JSON.stringify(value)}: expected a TCP port 1-65535`);
  }
  return value;
}

/** @throws PACS_ERR_CONFIG */
export function checkHost(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || /[\s/]/.test(value.trim())) {
    throw configError(field, `is ${JSON.stringify(value)}: expected a host name or IP address`);
  }
  return value.trim();
}

function checkPeer(field: string, peer: DimsePeer | undefined): DimsePeer {
  if (peer === undefined || peer === null || typeof peer !== 'object') {
    throw configError(field, 'is missing: expected { aet, host, port }');
  }
  return Object.freeze({
    aet: checkAet(`${field}.aet`, peer.aet),
    host: checkHost(`${field}.host`, peer.host),
    port: checkPort(`${field}.port`, peer.port),
  });
}

function checkRetrieve(r: DimseRetrieve): DimseRetrieve {
  if (r.mode === 'get') return Object.freeze({ mode: 'get' });
  if (r.mode === 'move') {
    return Object.freeze({
      mode: 'move',
      destinationAet: checkAet('retrieve.destinationAet', r.destinationAet),
      port: checkPort('retrieve.port', r.port),
      listenHost: checkHost('retrieve.listenHost', r.listenHost ?? '127.0.0.1'),
    });
  }
  throw configError('retrieve.mode', `is ${JSON.stringify((r as { mode: unknown }).mode)}: expected "get" or "move"`);
}

function checkPdu(value: number): number {
  if (!Number.isSafeInteger(value) || value < MIN_PDU || value > MAX_PDU) {
    throw configError('maxPduLength', `is ${String(value)}: expected an integer ${MIN_PDU}-${MAX_PDU}`);
  }
  return value;
}
