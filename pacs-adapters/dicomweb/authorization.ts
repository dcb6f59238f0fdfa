import type { DicomWebAuth } from './DicomWebConfig.js';

/**
 * The `Authorization` header value for an auth setting, or undefined for `none`. Basic credentials are UTF-8
 * encoded (RFC 7617). The value is a secret: it is sent, never logged.
 */
export function authorization(auth: DicomWebAuth): string | undefined {
  switch (auth.kind) {
    case 'none':
      return undefined;
    case 'basic':
      return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
    case 'bearer':
      return `Bearer ${auth.token}`;
  }
}
