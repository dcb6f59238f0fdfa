import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  basicClean,
  bpe,
  bytesToUnicode,
  createClipTokenizer,
  loadClipTokenizer,
} from '../../../models/tokenizer/index.js';
import { thrownCode } from '../testUtils.js';

/**
 * A small vocabulary in the CLIP layout: single characters with and without "</w>", merged tokens, then the
 * special tokens. Ids are positions in this list, so expected ids are written by name below.
 */
const MERGES = ['l o', 'lo w</w>', 'n o', 'i s', 'no is', 'nois e</w>', 'c t</w>'];
const CHARS = [..."abcdefghijklmnopqrstuvwxyz0123456789!,-.'"];
const TOKENS = [
  ...CHARS,
  ...CHARS.map((c) => `${c}</w>`),
  'lo',
  'low</w>',
  'no',
  'is',
  'nois',
  'noise</w>',
  'ct</w>',
  '<|startoftext|>',
  '<|endoftext|>',
];
const VOCAB = Object.fromEntries(TOKENS.map((t, i) => [t, i]));
const id = (t: string): number => {
  const v = VOCAB[t];
  if (v === undefined) throw new Error(`no token ${t}`);
  return v;
};
const BOS = id('<|startoftext|>');
const EOS = id('<|endoftext|>');

describe('bytesToUnicode', () => {
  it('is CLIP/GPT-2 table: printable bytes kept, others from U+0100 in order', () => {
    const t = bytesToUnicode();
    expect(t).toHaveLength(256);
    expect(t[0x41]).toBe('A');
    expect(t[0xe9]).toBe('é');
    expect(t[0x20]).toBe('Ġ'); // space is the 33rd non-printable byte: U+0100 + 32
    expect(t[0x00]).toBe('\u0100');
    expect(t[0xad]).toBe('\u0143'); // soft hyphen, the last remapped byte
    expect(new Set(t).size).toBe(256);
  });
});

describe('bpe', () => {
  const ranks = new Map(MERGES.map((m, i) => [m, i]));
  it('merges by lowest rank with </w> on the last symbol', () => {
    expect(bpe('low', ranks)).toEqual(['low</w>']);
    expect(bpe('lower', ranks)).toEqual(['lo', 'w', 'e', 'r</w>']);
    expect(bpe('noise', ranks)).toEqual(['noise</w>']);
    expect(bpe('x', ranks)).toEqual(['x</w>']);
    expect(bpe('', ranks)).toEqual([]);
  });
  it('merges every occurrence left to right', () => {
    expect(bpe('lolow', ranks)).toEqual(['lo', 'low</w>']);
    expect(bpe('lolo', ranks)).toEqual(['lo', 'l', 'o</w>']); // (l, o</w>) is not the pair (l, o)
  });
});

describe('ClipTokenizer', () => {
  const tok = createClipTokenizer(VOCAB, ['#version: 0.2', ...MERGES].join('\n'));

  it('gives exact ids with bos, eos and padding to max length', () => {
    expect(tok.encode('low noise', 8)).toEqual([BOS, id('low</w>'), id('noise</w>'), EOS, EOS, EOS, EOS, EOS]);
    expect(tok.encode('low')).toHaveLength(77);
    expect(tok.bosId).toBe(BOS);
    expect(tok.eosId).toBe(EOS);
    expect(tok.padId).toBe(EOS);
    expect(tok.vocabSize).toBe(TOKENS.length);
  });

  it('lowercases and collapses whitespace', () => {
    expect(tok.tokenize('  LOW\t\n NoIsE  ')).toEqual([id('low</w>'), id('noise</w>')]);
    expect(basicClean('  A\u00a0\tB  ')).toBe('a b');
  });

  it('splits punctuation runs, digits and contractions like CLIP', () => {
    expect(tok.tokenize('low-noise!')).toEqual([id('low</w>'), id('-</w>'), id('noise</w>'), id('!</w>')]);
    expect(tok.tokenize('low!!,')).toEqual([id('low</w>'), id('!'), id('!'), id(',</w>')]);
    expect(tok.tokenize('ct12')).toEqual([id('ct</w>'), id('1</w>'), id('2</w>')]);
    expect(tok.tokenize("it's")).toEqual([id('i'), id('t</w>'), id("'"), id('s</w>')]);
    expect(tok.tokenize('lower')).toEqual([id('lo'), id('w'), id('e'), id('r</w>')]);
  });

  it('maps special tokens in text to their ids and unknown symbols to <|endoftext|>', () => {
    expect(tok.tokenize('low <|endoftext|> <|startoftext|>')).toEqual([id('low</w>'), EOS, BOS]);
    // "é" is bytes c3 a9 -> "Ã", "©</w>": not in this vocabulary
    expect(tok.tokenize('é')).toEqual([EOS, EOS]);
  });

  it('unescapes HTML entities twice (OpenAI basic_clean)', () => {
    expect(tok.tokenize('low &amp;amp; &#33;')).toEqual(tok.tokenize('low & !'));
    expect(basicClean('&lt;&#x41;&gt; &unknown;')).toBe('<a> &unknown;');
  });

  it('truncates to max length keeping bos and eos', () => {
    expect(tok.encode('low low low low low low', 5)).toEqual([BOS, id('low</w>'), id('low</w>'), id('low</w>'), EOS]);
    expect(tok.encode('', 2)).toEqual([BOS, EOS]);
    expect(tok.encode('low', 3)).toEqual([BOS, id('low</w>'), EOS]);
  });

  it('pads with a configured pad token', () => {
    const bang = createClipTokenizer(VOCAB, MERGES, { padToken: '!' });
    expect(bang.encode('low', 5)).toEqual([BOS, id('low</w>'), EOS, id('!'), id('!')]);
  });

  it('refuses a bad max length, vocab or merges', () => {
    expect(thrownCode(() => tok.encode('low', 1))).toBe('MODEL_ERR_BAD_OPTION');
    expect(thrownCode(() => createClipTokenizer({ a: 0 }, MERGES))).toBe('MODEL_ERR_PACK_FILE');
    expect(() => createClipTokenizer({ ...VOCAB, x: 'y' }, MERGES)).toThrow(/"x": expected an integer id >= 0/);
    expect(() => createClipTokenizer(VOCAB, ['#version: 0.2', 'a b c'])).toThrow(
      /merges.txt line 2: expected two symbols/,
    );
    expect(() => createClipTokenizer(VOCAB, MERGES, { padToken: '<pad>' })).toThrow(/expected an entry for "<pad>"/);
  });
});

describe('loadClipTokenizer', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clip-tok-'));
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(VOCAB));
    writeFileSync(join(dir, 'merges.txt'), ['#version: 0.2', ...MERGES, ''].join('\n'));
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ pad_token: { content: '!' } }));
    writeFileSync(join(dir, 'bad.json'), '{ nope');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads vocab.json + merges.txt (and pad_token from tokenizer_config.json)', async () => {
    const t = await loadClipTokenizer(join(dir, 'vocab.json'), join(dir, 'merges.txt'));
    expect(t.encode('Low NOISE', 6)).toEqual([BOS, id('low</w>'), id('noise</w>'), EOS, EOS, EOS]);
    const p = await loadClipTokenizer(join(dir, 'vocab.json'), join(dir, 'merges.txt'), {
      configPath: join(dir, 'tokenizer_config.json'),
    });
    expect(p.padId).toBe(id('!'));
  });

  it('refuses missing or malformed files with MODEL_ERR_PACK_FILE', async () => {
    await expect(loadClipTokenizer(join(dir, 'none.json'), join(dir, 'merges.txt'))).rejects.toMatchObject({
      code: 'MODEL_ERR_PACK_FILE',
    });
    await expect(loadClipTokenizer(join(dir, 'bad.json'), join(dir, 'merges.txt'))).rejects.toThrow(/expected JSON/);
  });
});
