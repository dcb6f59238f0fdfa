/**
 * GPT-2 / CLIP `bytes_to_unicode`: a reversible map from the 256 byte values to printable unicode characters, so BPE
 * works on text without whitespace or control characters. Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ')
 * map to themselves; the other 68 bytes map to U+0100 upwards in byte order (so ' ' becomes 'Ġ').
 * @returns byteToChar[b] for b = 0..255
 */
export function bytesToUnicode(): readonly string[] {
  const keep = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const out = new Array<string>(256);
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = String.fromCharCode(keep(b) ? b : 256 + n++);
  return Object.freeze(out);
}
