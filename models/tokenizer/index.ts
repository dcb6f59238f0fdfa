/** CLIP byte-level BPE tokenizer over a pack's vocab.json + merges.txt. */
export { ClipTokenizer, createClipTokenizer, BOS_TOKEN, EOS_TOKEN, CLIP_PATTERN, MAX_MERGES } from './ClipTokenizer.js';
export type { ClipTokenizerOptions } from './ClipTokenizer.js';
export { loadClipTokenizer } from './loadClipTokenizer.js';
export type { LoadClipTokenizerOptions } from './loadClipTokenizer.js';
export { bpe, END_OF_WORD } from './bpe.js';
export { bytesToUnicode } from './bytesToUnicode.js';
export { basicClean, unescapeHtml } from './basicClean.js';
