const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * Python `html.unescape` for the entities text prompts realistically carry: numeric (`&#39;`, `&#x27;`) and
 * `&amp; &lt; &gt; &quot; &apos; &nbsp;` (semicolon required). Other named entities are left as they are.
 * @param text - any text
 */
export function unescapeHtml(text: string): string {
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] !== '#') return NAMED[body] ?? whole;
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
  });
}

/**
 * CLIP's text cleanup before pre-tokenization (OpenAI `basic_clean` + `whitespace_clean` + lower, without ftfy):
 * NFC, HTML entities unescaped twice, whitespace runs collapsed to one space, trimmed, lowercased.
 * @param text - any text
 */
export function basicClean(text: string): string {
  return unescapeHtml(unescapeHtml(text.normalize('NFC')))
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();
}
