"""CLIP byte-level BPE: building a tiny vocabulary in the real CLIP file format, and encoding text with it.

File format (as openai/clip-vit-* on the HF hub):
- ``vocab.json``: {token: id}; ids are the 256 byte-level characters, the same 256 with ``</w>``, one token per
  merge (the merged pair, in merge order), then ``<|startoftext|>``, ``<|endoftext|>`` (so EOT has the highest id).
- ``merges.txt``: ``#version: 0.2`` then one ``left right`` pair per line, in rank order.

Encoding follows HF ``CLIPTokenizer`` without ftfy: html-unescape, collapse whitespace, lower-case, split with the
CLIP pattern, map UTF-8 bytes to the byte-level characters, BPE by lowest merge rank with ``</w>`` on the last
character; then ``<|startoftext|>`` + ids + ``<|endoftext|>``, truncated to max_length and padded with
``<|endoftext|>``. Python ``re`` has no ``\\p{L}``/``\\p{N}``: letters are ``[^\\W\\d_]`` and numbers ``\\d``, which
agree with the CLIP pattern on ASCII text.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

from . import jsonfmt

BOS = '<|startoftext|>'
EOS = '<|endoftext|>'
PATTERN = re.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+""", re.IGNORECASE
)


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2 / CLIP byte -> printable unicode character table (insertion order = CLIP vocab order)."""
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1))
    bs += list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def _word_symbols(word: str) -> tuple[str, ...]:
    encoder = bytes_to_unicode()
    chars = [encoder[b] for b in word.encode('utf-8')]
    return tuple(chars[:-1]) + (chars[-1] + '</w>',)


def learn_merges(words: list[str]) -> list[tuple[str, str]]:
    """Plain BPE training on ``words`` (each counted once) until every word is a single symbol.

    Ties on pair frequency are broken by the lexicographically smallest pair, so the result is deterministic.
    """
    segs = [list(_word_symbols(w)) for w in dict.fromkeys(words)]
    merges: list[tuple[str, str]] = []
    while True:
        counts: Counter[tuple[str, str]] = Counter()
        for seg in segs:
            for pair in zip(seg, seg[1:]):
                counts[pair] += 1
        if not counts:
            return merges
        best = min(counts, key=lambda p: (-counts[p], p))
        merges.append(best)
        segs = [_merge(seg, best) for seg in segs]


def _merge(seg: list[str], pair: tuple[str, str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(seg):
        if i < len(seg) - 1 and seg[i] == pair[0] and seg[i + 1] == pair[1]:
            out.append(seg[i] + seg[i + 1])
            i += 2
        else:
            out.append(seg[i])
            i += 1
    return out


def build_vocab(merges: list[tuple[str, str]]) -> dict[str, int]:
    base = list(bytes_to_unicode().values())
    tokens = base + [c + '</w>' for c in base] + [a + b for a, b in merges] + [BOS, EOS]
    vocab: dict[str, int] = {}
    for tok in tokens:
        if tok in vocab:
            raise ValueError(f'build_vocab: expected unique tokens, got {tok!r} twice')
        vocab[tok] = len(vocab)
    return vocab


def write_tokenizer_files(folder: Path, words: list[str], max_length: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    merges = learn_merges(words)
    vocab = build_vocab(merges)
    (folder / 'vocab.json').write_text(jsonfmt.dumps(vocab), encoding='utf-8')
    lines = ['#version: 0.2'] + [f'{a} {b}' for a, b in merges]
    (folder / 'merges.txt').write_text('\n'.join(lines) + '\n', encoding='utf-8')
    config = {
        'tokenizer_class': 'CLIPTokenizer',
        'bos_token': BOS,
        'eos_token': EOS,
        'unk_token': EOS,
        'pad_token': EOS,
        'model_max_length': max_length,
        'do_lower_case': True,
        'add_prefix_space': False,
        'errors': 'replace',
    }
    (folder / 'tokenizer_config.json').write_text(jsonfmt.dumps(config), encoding='utf-8')


class ClipTokenizer:
    def __init__(self, vocab_path: Path, merges_path: Path, max_length: int = 77) -> None:
        self.encoder: dict[str, int] = json.loads(Path(vocab_path).read_text(encoding='utf-8'))
        lines = Path(merges_path).read_text(encoding='utf-8').split('\n')
        if not lines[0].startswith('#version'):
            raise ValueError(f'ClipTokenizer: expected "#version" on line 1 of {merges_path}, got {lines[0]!r}')
        pairs = [tuple(line.split(' ')) for line in lines[1:] if line]
        self.ranks = {pair: i for i, pair in enumerate(pairs)}
        self.byte_encoder = bytes_to_unicode()
        self.max_length = max_length
        self.bos_id = self.encoder[BOS]
        self.eos_id = self.encoder[EOS]
        self.cache = {BOS: BOS, EOS: EOS}

    def bpe(self, token: str) -> str:
        if token in self.cache:
            return self.cache[token]
        word = list(token[:-1]) + [token[-1] + '</w>']
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float('inf')))
            if best not in self.ranks:
                break
            word = _merge(word, best)
        out = ' '.join(word)
        self.cache[token] = out
        return out

    def tokenize(self, text: str) -> list[str]:
        text = html.unescape(html.unescape(text)).strip()
        text = re.sub(r'\s+', ' ', text).strip().lower()
        tokens: list[str] = []
        for piece in PATTERN.findall(text):
            mapped = ''.join(self.byte_encoder[b] for b in piece.encode('utf-8'))
            tokens += self.bpe(mapped).split(' ')
        return tokens

    def encode(self, text: str) -> list[int]:
        """[BOS] + ids + [EOS], truncated to max_length (keeping EOS) and padded with EOS."""
        ids = [self.encoder[t] for t in self.tokenize(text)][: self.max_length - 2]
        ids = [self.bos_id] + ids + [self.eos_id]
        return ids + [self.eos_id] * (self.max_length - len(ids))
