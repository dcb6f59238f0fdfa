import {
  DICOMWEB_DEFAULTS,
  type DicomWebAuth,
  type DicomWebConfig,
  type ResolvedDicomWebConfig,
} from './DicomWebConfig.js';
import { configChecks } from '../net/configChecks.js';

const { positiveInt, nonNegativeInt, configError } = configChecks('DicomWebAdapter config');

/**
 * Validates a DICOMweb configuration once, fills defaults and freezes it. Secrets never appear in the messages.
 * @param config - the caller's settings
 * @throws PACS_ERR_CONFIG naming the field and what was expected
 * @example resolveConfig({ baseUrl: 'http://127.0.0.1:8042/dicom-web', auth: { kind: 'basic', username, password } })
 */
export function resolveConfig(config: DicomWebConfig): ResolvedDicomWebConfig {
  let url: URL;
  try {
    url = new URL(config.baseUrl);
  } catch {
    throw configError('baseUrl', `is ${JSON.stringify(config.baseUrl)}: expected an absolute http(s) URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw configError('baseUrl', `has protocol "${url.protocol}": expected http: or https:`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw configError('baseUrl', 'carries a query, fragment or credentials: expected none (credentials go in auth)');
  }
  const retries = { ...DICOMWEB_DEFAULTS.retries, ...(config.retries ?? {}) };
  const resolved: ResolvedDicomWebConfig = {
    baseUrl: url.href.replace(/\/+$/, ''),
    auth: checkAuth(config.auth ?? DICOMWEB_DEFAULTS.auth),
    timeoutMs: positiveInt('timeoutMs', config.timeoutMs ?? DICOMWEB_DEFAULTS.timeoutMs),
    retries: Object.freeze({
      attempts: positiveInt('retries.attempts', retries.attempts),
      baseDelayMs: nonNegativeInt('retries.baseDelayMs', retries.baseDelayMs),
      maxDelayMs: nonNegativeInt('retries.maxDelayMs', retries.maxDelayMs),
    }),
    storeBatchSize: positiveInt('storeBatchSize', config.storeBatchSize ?? DICOMWEB_DEFAULTS.storeBatchSize),
    storeBatchBytes: positiveInt('storeBatchBytes', config.storeBatchBytes ?? DICOMWEB_DEFAULTS.storeBatchBytes),
    maxInstanceBytes: positiveInt('maxInstanceBytes', config.maxInstanceBytes ?? DICOMWEB_DEFAULTS.maxInstanceBytes),
    qidoPageSize: positiveInt('qidoPageSize', config.qidoPageSize ?? DICOMWEB_DEFAULTS.qidoPageSize),
  };
  if (resolved.retries.maxDelayMs < resolved.retries.baseDelayMs) {
    throw configError(
      'retries.maxDelayMs',
      `is ${resolved.retries.maxDelayMs}: expected at least retries.baseDelayMs (${resolved.retries.baseDelayMs})`,
    );
  }
  return Object.freeze(resolved);
}

function checkAuth(auth: DicomWebAuth): DicomWebAuth {
  switch (auth.kind) {
    case 'none':
      return Object.freeze({ kind: 'none' });
    case 'basic':
      if (typeof auth.username !== 'string' || auth.username === '' || auth.username.includes(':')) {
        throw configError('auth.username', 'is empty or contains ":": expected a non-empty name without ":"');
      }
      if (typeof auth.password !== 'string') throw configError('auth.password', 'is missing: expected a string');
      return Object.freeze({ kind: 'basic', username: auth.username, password: auth.password });
    case 'bearer':
      if (typeof auth.token !== 'string' || !/^[\x21-\x7e]+$/.test(auth.token)) {
        throw configError('auth.token', 'is empty or has spaces or control characters: expected a printable token');
      }
      return Object.freeze({ kind: 'bearer', token: auth.token });
    default:
      throw configError(
        'auth.kind',
        `is ${JSON.stringify((auth as { kind: unknown }).kind)}: expected "none", "basic" or "bearer"`,
      );
  }
}
