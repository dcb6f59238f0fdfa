"""Rewrites the attention of every ONNX graph of an exported pack into onnxruntime's fused MultiHeadAttention op
(gsdiff/fuse_attention.py) and refreshes the pack's sha256 list. Weights and results stay the same; packs exported
by export_pack.py are already fused.

Usage: /usr/bin/python3 models/training/fuse_pack_attention.py --pack <pack folder>
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_tiny_pack import sha256  # noqa: E402
from gsdiff import jsonfmt  # noqa: E402
from gsdiff.fuse_attention import fuse_attention_file  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--pack', required=True, type=Path)
    pack: Path = ap.parse_args().pack
    index_path = pack / 'model_index.json'
    if not index_path.is_file():
        raise SystemExit(f'fuse_pack_attention: expected a pack folder with model_index.json, got {pack}')
    index = json.loads(index_path.read_text())
    for name, rel in sorted(index['components'].items()):
        n = fuse_attention_file(pack / rel)
        print(f'{name}: {n} attention(s) fused', flush=True)
    index['files'] = {rel: sha256(pack / rel) for rel in sorted(index['files'])}
    tmp = index_path.with_suffix('.json.tmp')
    tmp.write_text(jsonfmt.dumps(index))
    tmp.replace(index_path)


if __name__ == '__main__':
    main()
