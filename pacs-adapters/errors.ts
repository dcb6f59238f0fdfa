import { errorFactory, GsdiffError, type ErrorSpec } from '../common/index.js';

/**
 * Every error pacs-adapters raises. Messages read "<file>: <what failed>: expected X, got Y"; `details` carries
 * file, tag, field, transfer syntax… so callers never parse messages. Mirrored in docs/errors.md (tested).
 */
export const PACS_ERRORS = {
  PACS_ERR_FILE_READ: { status: 500, summary: 'The file could not be read from disk.' },
  PACS_ERR_FILE_TOO_LARGE: { status: 413, summary: 'The file exceeds the configured size limit.' },
  PACS_ERR_NOT_DICOM: { status: 400, summary: 'The bytes are not a DICOM Part 10 file or a bare DICOM data set.' },
  PACS_ERR_PARSE: { status: 400, summary: 'The DICOM data set is malformed (truncated, bad lengths, bad VR).' },
  PACS_ERR_MISSING_ATTRIBUTE: { status: 400, summary: 'A required attribute is absent or empty.' },
  PACS_ERR_BAD_ATTRIBUTE: { status: 400, summary: 'An attribute has a value outside what the standard allows.' },
  PACS_ERR_NO_PIXEL_DATA: { status: 400, summary: 'The instance carries no image pixel data.' },
  PACS_ERR_UNSUPPORTED_TRANSFER_SYNTAX: { status: 415, summary: 'The transfer syntax has no decoder here.' },
  PACS_ERR_UNSUPPORTED_PIXEL_FORMAT: {
    status: 415,
    summary: 'The pixel layout (bits, samples, photometric) is not supported.',
  },
  PACS_ERR_PIXEL_DATA_LENGTH: { status: 400, summary: 'Pixel data is shorter than rows x columns x frames require.' },
  PACS_ERR_DECODE: { status: 400, summary: 'A compressed frame failed to decode or decoded to the wrong size.' },
  PACS_ERR_FRAME_INDEX: { status: 400, summary: 'A frame index outside 0..NumberOfFrames-1 was requested.' },
  PACS_ERR_SERIES_EMPTY: { status: 400, summary: 'No image instance was found for the series.' },
  PACS_ERR_SERIES_INCONSISTENT: {
    status: 400,
    summary: 'Instances of one series disagree on size, orientation or type.',
  },
  PACS_ERR_WRITE: { status: 500, summary: 'Writing a DICOM file failed.' },
  PACS_ERR_STORE: { status: 500, summary: 'The local store could not index or write an instance.' },
  PACS_ERR_STORE_CONFLICT: {
    status: 409,
    summary: 'An instance with the same SOPInstanceUID but other content exists.',
  },
  PACS_ERR_VIDEO: { status: 400, summary: 'A video file could not be probed or decoded by ffmpeg.' },
  PACS_ERR_FRAME_TABLE: { status: 400, summary: 'A capsule FRAMES.tsv is malformed or does not match its video.' },
  PACS_ERR_TOOL_MISSING: { status: 500, summary: 'An external program (ffmpeg, ffprobe) is not installed.' },
  PACS_ERR_STORE_NOT_FOUND: { status: 404, summary: 'No instance or series with that UID is in the local store.' },
  PACS_ERR_STORE_LOCKED: { status: 423, summary: 'The store folder is open in another process or LocalStore.' },
  PACS_ERR_CONFIG: {
    status: 500,
    summary: 'A PACS connection setting is missing or invalid (URL, auth, timeout, retries, batch size).',
  },
  PACS_ERR_UNREACHABLE: {
    status: 503,
    summary: 'The PACS could not be reached (connection refused or reset, DNS or network failure).',
  },
  PACS_ERR_TIMEOUT: {
    status: 504,
    summary: 'The PACS did not answer, or stopped sending, within the configured time.',
  },
  PACS_ERR_AUTH: { status: 502, summary: 'The PACS refused the credentials or the access (HTTP 401 or 403).' },
  PACS_ERR_NOT_FOUND: { status: 404, summary: 'The PACS has no study, series or instance with that UID.' },
  PACS_ERR_HTTP: { status: 502, summary: 'The PACS answered with an HTTP status the operation does not accept.' },
  PACS_ERR_BAD_RESPONSE: {
    status: 502,
    summary: 'The PACS answer has the wrong content type or is not the DICOM JSON the protocol requires.',
  },
  PACS_ERR_MULTIPART: {
    status: 502,
    summary: 'A multipart/related body from the PACS is malformed or was cut off before its closing boundary.',
  },
  PACS_ERR_STORE_PARTIAL: {
    status: 502,
    summary: 'A store to the PACS left an instance unstored or without a reported outcome (listed in the report).',
  },
  PACS_ERR_CLOSED: { status: 503, summary: 'The PACS adapter was closed; it sends no further requests.' },
  PACS_ERR_DIMSE_ASSOCIATION: {
    status: 502,
    summary: 'The DIMSE peer rejected or aborted the association, or closed it before the operation completed.',
  },
  PACS_ERR_DIMSE_NEGOTIATION: {
    status: 502,
    summary: 'The DIMSE peer accepted no presentation context (SOP class and transfer syntax) the operation needs.',
  },
  PACS_ERR_DIMSE_STATUS: {
    status: 502,
    summary: 'The DIMSE peer answered with a failure status, or reported failed C-GET / C-MOVE sub-operations.',
  },
  PACS_ERR_DIMSE_TOO_MANY_MATCHES: {
    status: 413,
    summary: 'A C-FIND matched more results than the adapter keeps (maxFindResults); narrow the query.',
  },
  PACS_ERR_DIMSE_LISTEN: { status: 500, summary: 'The C-STORE SCP could not listen on its address and port.' },
} as const satisfies Record<string, ErrorSpec>;

export type PacsErrorCode = keyof typeof PACS_ERRORS;

export class PacsError extends GsdiffError {
  declare readonly code: PacsErrorCode;
}

/**
 * Builds a registry error. `where` (usually the file path) prefixes the message so a log line alone names it.
 * @example throw pacsError('PACS_ERR_MISSING_ATTRIBUTE', 'Rows (0028,0010) missing: expected US >= 1', { file, tag: '00280010' })
 */
export const pacsError = errorFactory<PacsErrorCode, PacsError>(PACS_ERRORS, PacsError, { prefixFile: true });
