"""A pack with one component replaced: the RGB series' TRN (trn_frame_rgb) from a trn run, everything else copied
byte for byte from an existing pack. A candidate that changes only the capsule path is then measured against the
shipped pack on the CT side by construction, not by re-export (the shipped CT graphs may come from a checkpoint that a
later session trained on).

    /usr/bin/python3 models/training/swap_rgb_trn.py --pack models/packs/gsdiff-t --rgb-trn .cache/runs/gsdiff-t-rgb \\
        --version 0.4.2 --out .cache/packs/cand-F
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_pack import export_spec, files_map, load_rgb_trn, rgb_trn_spec  # noqa: E402
from gsdiff import jsonfmt  # noqa: E402

# what files_map leaves out: the index itself and the human-readable card, as export_pack writes them
NOT_HASHED = ('model_index.json', 'MODEL_CARD.md')


def swap(pack: Path, rgb_run: Path, version: str, out: Path) -> dict:
    """Writes the new pack to ``out`` (a staging folder moved into place at the end) and returns its index."""
    try:
        index = json.loads((pack / 'model_index.json').read_text())
    except FileNotFoundError as e:
        raise SystemExit(f'swap_rgb_trn: --pack {pack}: expected a pack folder with model_index.json') from e
    rgb_entry = index.get('trn_frame', {}).get('rgb')
    if rgb_entry is None:
        raise SystemExit(f'swap_rgb_trn: {pack}/model_index.json: expected trn_frame.rgb (a pack with an RGB TRN)')
    if not (rgb_run / 'trn.pt').exists():
        raise SystemExit(f'swap_rgb_trn: --rgb-trn: expected a trn run folder with trn.pt, got {rgb_run}')
    if out.resolve() == pack.resolve():
        raise SystemExit('swap_rgb_trn: --out must differ from --pack (the shipped pack is never modified in place)')
    trn, provenance = load_rgb_trn(rgb_run)
    stage = out.with_name(out.name + '.partial')
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(pack, stage)
    shutil.rmtree(stage / 'trn_frame_rgb')
    export_spec(rgb_trn_spec(trn), stage)
    index['version'] = version
    index['trn_frame']['rgb'] = {**rgb_entry, 'radius': trn.radius}
    index['training'] = {**index['training'], 'trn_rgb': provenance}
    index['files'] = {k: v for k, v in files_map(stage).items() if k not in NOT_HASHED}
    (stage / 'model_index.json').write_text(jsonfmt.dumps(index))
    if out.exists():
        shutil.rmtree(out)
    stage.rename(out)
    return index


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--pack', type=Path, required=True, help='the pack whose other components are kept')
    p.add_argument('--rgb-trn', type=Path, required=True, help='a trn run of config gsdiff-t-rgb (its weight average)')
    p.add_argument('--version', required=True)
    p.add_argument('--out', type=Path, required=True)
    args = p.parse_args()
    torch.set_num_threads(1)
    index = swap(args.pack, args.rgb_trn, args.version, args.out)
    steps = index['training']['trn_rgb']['steps']
    print(f'pack: {args.out} {index["name"]} {args.version}, trn_frame_rgb from {args.rgb_trn} ({steps} steps)')


if __name__ == '__main__':
    main()
