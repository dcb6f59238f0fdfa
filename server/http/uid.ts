import { serverError } from '../errors.js';

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** A path or body UID, checked against the DICOM UID grammar so no parameter can reach the filesystem as a path. */
export function checkUid(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length > 64 || !UID.test(value)) {
    throw serverError(
      'SRV_ERR_BAD_REQUEST',
      `${name}: expected a DICOM UID (digits and dots, at most 64), got ${JSON.stringify(value)?.slice(0, 80)}`,
      {
        field: name,
      },
    );
  }
  return value;
}
