import { readFile } from 'node:fs/promises';
import { describeThrown } from '../../common/index.js';
import { modelError } from '../errors.js';
import { createClipTokenizer, type ClipTokenizer } from './ClipTokenizer.js';

/** Options of {@link loadClipTokenizer}. */
export interface LoadClipTokenizerOptions {
  /** tokenizer_config.json; its `pad_token` (a string or `{ content }`) sets the padding token. */
  readonly configPath?: string;
  /** Padding token; overrides the config's. Default "<|endoftext|>". */
  readonly padToken?: string;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw modelError(
      'MODEL_ERR_PACK_FILE',
      `loadClipTokenizer: cannot read ${path}: ${describeThrown(e)}`,
      { file: path },
      e,
    );
  }
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw modelError(
      'MODEL_ERR_PACK_FILE',
      `loadClipTokenizer: ${path}: expected JSON, got ${describeThrown(e)}`,
      { file: path },
      e,
    );
  }
}

/**
 * Reads a CLIP tokenizer from a pack's `tokenizer/vocab.json` and `tokenizer/merges.txt` (HF CLIPTokenizer
 * format).
 * @param vocabPath - vocab.json
 * @param mergesPath - merges.txt
 * @param options - tokenizer_config.json path and/or pad token
 * @throws MODEL_ERR_PACK_FILE when a file is unreadable or malformed
 * @example
 * const tok = await loadClipTokenizer(join(pack, 'tokenizer/vocab.json'), join(pack, 'tokenizer/merges.txt'));
 * const ids = Int32Array.from(tok.encode(prompt, 77));
 */
export async function loadClipTokenizer(
  vocabPath: string,
  mergesPath: string,
  options: LoadClipTokenizerOptions = {},
): Promise<ClipTokenizer> {
  const [vocabText, mergesText] = await Promise.all([readText(vocabPath), readText(mergesPath)]);
  const vocab = parseJson(vocabPath, vocabText);
  if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab))
    throw modelError('MODEL_ERR_PACK_FILE', `loadClipTokenizer: ${vocabPath}: expected an object of token ids`, {
      file: vocabPath,
    });
  let padToken = options.padToken;
  if (padToken === undefined && options.configPath !== undefined) {
    const cfg = parseJson(options.configPath, await readText(options.configPath));
    const pad = cfg !== null && typeof cfg === 'object' ? (cfg as Record<string, unknown>).pad_token : undefined;
    if (typeof pad === 'string') padToken = pad;
    else if (pad !== null && typeof pad === 'object' && typeof (pad as Record<string, unknown>).content === 'string')
      padToken = (pad as { content: string }).content;
  }
  return createClipTokenizer(vocab as Record<string, unknown>, mergesText, padToken === undefined ? {} : { padToken });
}
