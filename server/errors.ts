import { errorFactory, GsdiffError, type ErrorSpec } from '../common/index.js';

/** Every error the server raises itself; rendered as JSON `{ code, message, details }` with its HTTP status. */
export const SRV_ERRORS = {
  SRV_ERR_UNAUTHORIZED: { status: 401, summary: 'The request carries no valid access token.' },
  SRV_ERR_FORBIDDEN_ORIGIN: { status: 403, summary: 'The request origin is not in the CORS allow-list.' },
  SRV_ERR_NOT_FOUND: { status: 404, summary: 'No such route, job, study, series or instance.' },
  SRV_ERR_BAD_REQUEST: { status: 400, summary: 'A parameter or body field is missing or invalid.' },
  SRV_ERR_PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body exceeds the configured limit.' },
  SRV_ERR_UNSUPPORTED_MEDIA: { status: 415, summary: 'The request content type is not accepted here.' },
  SRV_ERR_NOT_ACCEPTABLE: { status: 406, summary: 'No representation matches the Accept header.' },
  SRV_ERR_CONFLICT: {
    status: 409,
    summary: 'The request conflicts with the current state (e.g. job already finished).',
  },
  SRV_ERR_CONFIG: {
    status: 500,
    summary:
      'A setting (GSDIFF_* variable, flag, token file) is invalid; the message names it, its value and what was expected.',
  },
  SRV_ERR_INTERNAL: {
    status: 500,
    summary: 'An unexpected server failure; details are in the server log, not the response.',
  },
  SRV_ERR_UNAVAILABLE: { status: 503, summary: 'The server is shutting down or a dependency is unavailable.' },
  SRV_ERR_JOB_FAILED: { status: 500, summary: 'A job failed with an unexpected error (details in the server log).' },
  SRV_ERR_JOB_INTERRUPTED: {
    status: 500,
    summary: 'A job was interrupted by a server restart more often than allowed and was given up.',
  },
  SRV_ERR_JOB_STORE: { status: 500, summary: 'The job database cannot be opened, migrated or written.' },
  SRV_ERR_QUEUE_UNAVAILABLE: {
    status: 503,
    summary: 'The Redis job queue (--queue redis://…) cannot be reached or refused a command; the URL is named.',
  },
  SRV_ERR_PACK_MISMATCH: {
    status: 409,
    summary: "No queue worker holds the job's pack version (its sha256) within the deferral limit; outputs never mix.",
  },
  SRV_ERR_WORKER_UNSUITED: {
    status: 409,
    summary: 'No queue worker has the source or device the job asks for within the deferral limit.',
  },
  SRV_ERR_STORED_INSTANCE: {
    status: 500,
    summary: 'A stored instance could not be read, parsed or decoded to answer a DICOMweb request.',
  },
} as const satisfies Record<string, ErrorSpec>;

export type ServerErrorCode = keyof typeof SRV_ERRORS;

export class ServerError extends GsdiffError {
  declare readonly code: ServerErrorCode;
}

/** @example throw serverError('SRV_ERR_NOT_FOUND', 'job 12: expected an existing job id', { job: 12 }) */
export const serverError = errorFactory<ServerErrorCode, ServerError>(SRV_ERRORS, ServerError);
