import { modelError } from '../errors.js';
import { basicClean } from './basicClean.js';
import { bpe } from './bpe.js';
import { bytesToUnicode } from './bytesToUnicode.js';

/** CLIP's begin-of-text token. */
export const BOS_TOKEN = '<|startoftext|>';
/** CLIP's end-of-text token, also its unknown token and (OpenAI CLIP, SD 1.x) its padding token. */
export const EOS_TOKEN = '<|endoftext|>';
/** HF CLIPTokenizer reads at most this many merges (49152 − 256 − 2, the size of CLIP's vocabulary). */
export const MAX_MERGES = 49152 - 256 - 2;

/**
 * CLIP's pre-tokenization pattern (OpenAI `SimpleTokenizer`, HF `CLIPTokenizer`), case-insensitive: the two
 * special tokens, English contractions, letter runs, single digits, runs of other non-space characters.
 */
export const CLIP_PATTERN =
  /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

/** Options of {@link ClipTokenizer}. */
export interface ClipTokenizerOptions {
  /** Token used to pad to max length; default "<|endoftext|>" (SD 2.x tokenizers use "!"). */
  readonly padToken?: string;
}

const BYTE_TO_CHAR = bytesToUnicode();
const utf8 = new TextEncoder();

/**
 * A CLIP byte-level BPE tokenizer over a `vocab.json` / `merges.txt` pair (OpenAI CLIP `SimpleTokenizer`, HF
 * `CLIPTokenizer`): text is cleaned ({@link basicClean}: NFC, HTML entities, whitespace runs to one space,
 * lowercase), split by {@link CLIP_PATTERN}, each piece mapped byte-wise through `bytes_to_unicode` and BPE-merged
 * with "</w>" ending each word; tokens missing from the vocabulary become "<|endoftext|>" (CLIP's unknown token).
 * ftfy's mojibake fixing is not applied. Build it with `createClipTokenizer` or `loadClipTokenizer`.
 */
export class ClipTokenizer {
  /** Id of "<|startoftext|>". */
  readonly bosId: number;
  /** Id of "<|endoftext|>". */
  readonly eosId: number;
  /** Id used for padding. */
  readonly padId: number;
  private readonly cache = new Map<string, readonly number[]>();

  /**
   * @param vocab - token → id (vocab.json)
   * @param ranks - merge rank by "first second"
   * @param options - padding token
   * @throws MODEL_ERR_PACK_FILE when a special token is missing from the vocabulary
   */
  constructor(
    private readonly vocab: ReadonlyMap<string, number>,
    private readonly ranks: ReadonlyMap<string, number>,
    options: ClipTokenizerOptions = {},
  ) {
    const id = (token: string): number => {
      const v = vocab.get(token);
      if (v === undefined)
        throw modelError('MODEL_ERR_PACK_FILE', `ClipTokenizer: vocab: expected an entry for "${token}", got none`, {
          file: 'vocab.json',
          field: token,
        });
      return v;
    };
    this.bosId = id(BOS_TOKEN);
    this.eosId = id(EOS_TOKEN);
    this.padId = id(options.padToken ?? EOS_TOKEN);
  }

  /** Vocabulary size (number of entries of vocab.json). */
  get vocabSize(): number {
    return this.vocab.size;
  }

  /**
   * The BPE token ids of a text, without begin/end tokens, truncation or padding.
   * @param text - any text
   */
  tokenize(text: string): number[] {
    const clean = basicClean(text);
    const ids: number[] = [];
    for (const m of clean.matchAll(CLIP_PATTERN)) {
      const piece = m[0];
      if (piece === BOS_TOKEN) ids.push(this.bosId);
      else if (piece === EOS_TOKEN) ids.push(this.eosId);
      else for (const t of this.encodeWord(piece)) ids.push(t);
    }
    return ids;
  }

  /**
   * Token ids as CLIP's text encoder takes them: [bos, tokens…, eos] with the tokens truncated to maxLength − 2,
   * then padded with the pad id to exactly `maxLength` (HF `padding: "max_length", truncation: true`).
   * @param text - e.g. "Please remove the low-dose CT noise from this image or video"
   * @param maxLength - sequence length (pack `tokenizer.max_length`, 77 for CLIP), >= 2
   * @returns maxLength ids (copy into an Int32Array or BigInt64Array as the session's input dtype asks)
   * @throws MODEL_ERR_BAD_OPTION when maxLength is not an integer >= 2
   * @example tokenizer.encode('a photo of a cat', 77); // [49406, 320, 1125, 539, 320, 2368, 49407, 49407, …]
   */
  encode(text: string, maxLength = 77): number[] {
    if (!Number.isInteger(maxLength) || maxLength < 2)
      throw modelError(
        'MODEL_ERR_BAD_OPTION',
        `ClipTokenizer.encode: maxLength: expected an integer >= 2, got ${maxLength}`,
        {
          option: 'maxLength',
        },
      );
    const tokens = this.tokenize(text).slice(0, maxLength - 2);
    const out = [this.bosId, ...tokens, this.eosId];
    while (out.length < maxLength) out.push(this.padId);
    return out;
  }

  private encodeWord(piece: string): readonly number[] {
    const hit = this.cache.get(piece);
    if (hit !== undefined) return hit;
    let mapped = '';
    for (const b of utf8.encode(piece)) mapped += BYTE_TO_CHAR[b];
    const ids = bpe(mapped, this.ranks).map((s) => this.vocab.get(s) ?? this.eosId);
    this.cache.set(piece, ids);
    return ids;
  }
}

/**
 * Builds a tokenizer from in-memory vocab.json / merges.txt contents (pure; `loadClipTokenizer` reads files).
 * merges.txt: one "first second" pair per line, lowest rank first; a leading "#version" line and blank lines are
 * skipped; at most {@link MAX_MERGES} merges are read, as HF does.
 * @param vocab - the parsed vocab.json (token → id)
 * @param merges - merges.txt text, or its lines
 * @param options - padding token
 * @throws MODEL_ERR_PACK_FILE when the vocab is not a token → integer id map, a merge line is not two symbols, or a
 *   special token is missing
 */
export function createClipTokenizer(
  vocab: Readonly<Record<string, unknown>>,
  merges: string | readonly string[],
  options: ClipTokenizerOptions = {},
): ClipTokenizer {
  const vocabMap = new Map<string, number>();
  if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab))
    throw modelError(
      'MODEL_ERR_PACK_FILE',
      'createClipTokenizer: vocab.json: expected an object, got ' + typeof vocab,
      {
        file: 'vocab.json',
      },
    );
  for (const [token, id] of Object.entries(vocab)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0)
      throw modelError(
        'MODEL_ERR_PACK_FILE',
        `createClipTokenizer: vocab.json: "${token}": expected an integer id >= 0, got ${JSON.stringify(id)}`,
        { file: 'vocab.json', field: token },
      );
    vocabMap.set(token, id);
  }
  const lines = typeof merges === 'string' ? merges.split(/\r?\n/) : merges;
  const ranks = new Map<string, number>();
  let rank = 0;
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '' || (i === 0 && trimmed.startsWith('#version')) || rank >= MAX_MERGES) return;
    const parts = trimmed.split(/\s+/);
    if (parts.length !== 2)
      throw modelError(
        'MODEL_ERR_PACK_FILE',
        `createClipTokenizer: merges.txt line ${i + 1}: expected two symbols, got ${JSON.stringify(line)}`,
        { file: 'merges.txt', line: i + 1 },
      );
    ranks.set(`${parts[0]} ${parts[1]}`, rank++);
  });
  return new ClipTokenizer(vocabMap, ranks, options);
}
