import { WireError } from '../../wire/index.js';

/**
 * The viewer's error registry. These errors stay in the browser (they never reach HTTP): each has a code, a summary,
 * and the thrown error carries `details` and `cause`. Server errors keep their own code (`SRV_ERR_*`) in
 * `ViewerError.code` when an API answer is one. A malformed websocket message is wire/'s `WIRE_ERR_*` (its guards
 * read them).
 */
export const VIEWER_ERRORS = Object.freeze({
  VIEWER_ERR_NO_TOKEN: { summary: 'No access token has been entered' },
  VIEWER_ERR_HTTP: { summary: 'An API or DICOMweb request failed' },
  VIEWER_ERR_SERIES: { summary: 'A series cannot be displayed (no image instances, unsupported layout)' },
  VIEWER_ERR_STREAM: { summary: 'The job stream ended before a frame arrived' },
  VIEWER_ERR_DOM: { summary: 'An element the viewer needs is missing from the page' },
} as const);

export type ViewerErrorCode = keyof typeof VIEWER_ERRORS;

export class ViewerError extends Error {
  override readonly name = 'ViewerError';

  constructor(
    /** A VIEWER_ERR_* code, or the server's SRV_ERR_* / PACS_ERR_* code for an API answer. */
    readonly code: ViewerErrorCode | string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What a thrown value says, for a status line. */
export function describeError(e: unknown): string {
  if (e instanceof ViewerError || e instanceof WireError) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message;
  return String(e);
}
