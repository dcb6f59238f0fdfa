import { pacsError } from '../errors.js';

/** DICOM UID grammar (PS3.5 §9.1): digit groups separated by dots, at most 64 characters. */
const UID_GRAMMAR = /^[0-9]+(\.[0-9]+)*$/;
export const MAX_UID_LENGTH = 64;

/** The UIDs that become path components in the store, with their tags. */
export const PATH_UID_TAGS = {
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SOPInstanceUID: '00080018',
} as const;

export type PathUidName = keyof typeof PATH_UID_TAGS;

/** True when `value` is a syntactically valid DICOM UID. */
export function isUid(value: string): boolean {
  return value.length <= MAX_UID_LENGTH && UID_GRAMMAR.test(value);
}

/**
 * Checks a UID before it is used as a path component: only digits and dots pass, so `..`, `/` and `\` never
 * reach the file system.
 * @param value - the UID as read from the data set (already trimmed)
 * @param name - the attribute keyword, named with its tag in the error
 * @param file - the source, for the error message
 * @throws PACS_ERR_BAD_ATTRIBUTE when the value is not a DICOM UID
 */
export function checkUid(value: string, name: PathUidName, file: string): string {
  if (isUid(value)) return value;
  const tag = PATH_UID_TAGS[name];
  const shown = JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  throw pacsError(
    'PACS_ERR_BAD_ATTRIBUTE',
    `${name} (${tag.slice(0, 4)},${tag.slice(4)}) is ${shown}: expected a DICOM UID (digits and dots, at most ${MAX_UID_LENGTH} characters)`,
    { file, tag, field: name },
  );
}
