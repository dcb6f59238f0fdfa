/**
 * Base class of every error the module raises on purpose. Each folder keeps its own registry of codes
 * (PACS_ERR_*, MODEL_ERR_*, …); this class only carries the shape they share so the CLI and the server can
 * render any of them the same way (code, HTTP status, details, cause).
 */
export interface ErrorSpec {
  /** HTTP status used when the error reaches an HTTP response. */
  readonly status: number;
  /** One line on what the code means, mirrored in docs/errors.md. */
  readonly summary: string;
}

export type ErrorDetails = Readonly<Record<string, string | number | boolean | undefined>>;

export class GsdiffError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: string, spec: ErrorSpec, message: string, details: ErrorDetails = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'GsdiffError';
    this.code = code;
    this.status = spec.status;
    this.details = details;
  }

  toJSON(): { code: string; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Text of an unknown thrown value; dicom-parser throws plain strings and `{ exception, dataSet }` objects. */
export function describeThrown(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'string') return e;
  if (e !== null && typeof e === 'object' && 'exception' in e)
    return describeThrown((e as { exception: unknown }).exception);
  return String(e);
}

type ErrorClass<E extends GsdiffError> = new (
  code: string,
  spec: ErrorSpec,
  message: string,
  details?: ErrorDetails,
  cause?: unknown,
) => E;

/**
 * The builder each folder's registry exports (`pacsError`, `validationError`, …): one code, one spec lookup.
 * With `prefixFile`, a `details.file` is put in front of the message so a log line alone names the file.
 */
export function errorFactory<C extends string, E extends GsdiffError>(
  registry: Readonly<Record<C, ErrorSpec>>,
  ErrorType: ErrorClass<E>,
  options: { prefixFile?: boolean } = {},
): (code: C, message: string, details?: ErrorDetails, cause?: unknown) => E {
  return (code, message, details = {}, cause) => {
    const where = options.prefixFile && typeof details.file === 'string' ? `${details.file}: ` : '';
    return new ErrorType(code, registry[code], `${where}${message}`, details, cause);
  };
}
