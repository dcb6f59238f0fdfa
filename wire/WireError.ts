/**
 * The wire's error registry. A WireError is raised by the guards that read a message from the other side (the viewer
 * reading the server's frames and text messages, the server reading a client's text message); it never reaches HTTP
 * itself (the server answers a bad client message with its own `SRV_ERR_BAD_REQUEST`), so it has no status.
 */
export const WIRE_ERRORS = Object.freeze({
  WIRE_ERR_FRAME_MESSAGE: { summary: 'A binary job-frame message is malformed' },
  WIRE_ERR_TEXT_MESSAGE: { summary: 'A job-stream text message is not one of the protocol messages' },
} as const);

export type WireErrorCode = keyof typeof WIRE_ERRORS;

export type WireErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

/** What a guard throws: a WIRE_ERR_* code, a message "function: expected X, got Y", details, and the cause if any. */
export class WireError extends Error {
  override readonly name = 'WireError';
  readonly details: WireErrorDetails;

  constructor(
    readonly code: WireErrorCode,
    message: string,
    details: WireErrorDetails = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.details = details;
  }
}

/** A short description of a parsed JSON value for "got …" in messages (never the value itself: it may be large). */
export function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
