import { modelError } from '../errors.js';

/** Where a model_index.json section sits: the index file and the pack every error names. */
export interface IndexContext {
  readonly file: string;
  readonly pack: string;
}

/**
 * The one error of a bad model_index.json field: MODEL_ERR_PACK_INDEX naming the file, the pack, the field path and
 * what was expected, with the value got, so every section of the index reports the same way.
 * @throws MODEL_ERR_PACK_INDEX always
 */
export function indexFieldError(c: IndexContext): (path: string, expected: string, got: unknown) => never {
  return (path, expected, got) => {
    throw modelError(
      'MODEL_ERR_PACK_INDEX',
      `${c.file}: pack "${c.pack}": ${path}: expected ${expected}, got ${JSON.stringify(got)}`,
      { file: c.file, pack: c.pack, field: path },
    );
  };
}

/** A JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
