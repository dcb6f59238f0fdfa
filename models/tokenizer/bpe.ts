/** Suffix CLIP's BPE appends to the last symbol of every word. */
export const END_OF_WORD = '</w>';

/**
 * Byte-pair encoding of one pre-token (Sennrich et al. 2016; CLIP's `SimpleTokenizer.bpe`): start from its
 * characters with "</w>" glued to the last one, then repeatedly merge every occurrence (left to right) of the
 * adjacent pair with the lowest merge rank until no adjacent pair has a rank.
 * @param token - a pre-token already mapped through `bytesToUnicode` (one BMP character per byte)
 * @param ranks - merge rank by "first second" (a space between the two symbols)
 * @returns the BPE symbols, e.g. ["low</w>"] or ["lo", "w</w>"]
 */
export function bpe(token: string, ranks: ReadonlyMap<string, number>): string[] {
  if (token.length === 0) return [];
  let word = token.split('');
  word[word.length - 1] += END_OF_WORD;
  while (word.length > 1) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i < word.length - 1; i++) {
      const r = ranks.get(`${word[i]} ${word[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) break;
    const first = word[best];
    const second = word[best + 1];
    const merged: string[] = [];
    for (let i = 0; i < word.length;) {
      if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
        merged.push(first + second);
        i += 2;
      } else {
        merged.push(word[i]);
        i += 1;
      }
    }
    word = merged;
  }
  return word;
}
