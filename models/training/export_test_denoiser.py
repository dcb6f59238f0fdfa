#!/usr/bin/python3
"""Build the tiny denoiser test pack (random weights, fixed seed): a ``DenoiserPipeline`` pack per models/README.md,
format 1, with the exact contract of a baseline single-network denoiser such as RED-CNN.

    /usr/bin/python3 models/training/export_test_denoiser.py [--out models/packs/tiny-denoiser-test] [--seed 20260102]

The network is three 3x3 convolutions (3 -> 8 -> 8 -> 3 channels, zero padding 1, ReLU between) plus the input:
``restored = frames + conv3(relu(conv2(relu(conv1(frames)))))``. It is fully convolutional, so any B, H, W runs, and
its receptive field reaches 3 pixels to each side: the runtime's tiled, feathered result equals a whole-frame run
wherever every tile covering a pixel sees 3 pixels of real context around it.

Stages: 1. build the module with weights from ``numpy.random.RandomState(seed)``; 2. export ``denoiser/model.onnx``
(opset 17, ``frames`` -> ``restored``, B/H/W dynamic) and compact its tensor names; 3. check the graph
(onnx.checker, names, dtypes) and run the module in torch at two sizes; 4. write model_index.json with the sha256 of
every file. Re-running with the same torch version gives byte-identical files.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_tiny_pack import Spec, check_graph, sha256  # noqa: E402
from gsdiff import jsonfmt  # noqa: E402
from gsdiff.onnx_io import OPSET, compact_tensor_names, export  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / 'models' / 'packs' / 'tiny-denoiser-test'
SEED = 20260102
CHANNELS = 8
TILE = 64
# Scale of the last conv's weights (times 1/sqrt(fan_in)): the change stays a fraction of the model range, so most
# CT pixels stay inside the HU window after restoration, yet every pixel changes (the tests see the network's effect).
OUTPUT_SCALE = 0.2


class TinyDenoiser(nn.Module):
    def __init__(self, channels: int = CHANNELS) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv3 = nn.Conv2d(channels, 3, 3, padding=1)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return frames + self.conv3(F.relu(self.conv2(F.relu(self.conv1(frames)))))


def build(seed: int) -> TinyDenoiser:
    """Weights N / sqrt(fan_in) (the last conv times OUTPUT_SCALE), biases 0.02 N, drawn in named_parameters order."""
    model = TinyDenoiser()
    rng = np.random.RandomState(seed)
    for name, p in model.named_parameters():
        n = rng.standard_normal(tuple(p.shape))
        if name.endswith('bias'):
            values = 0.02 * n
        else:
            values = n / math.sqrt(int(np.prod(p.shape[1:])))
            if name.startswith('conv3'):
                values = OUTPUT_SCALE * values
        with torch.no_grad():
            p.copy_(torch.from_numpy(values.astype(np.float32)))
    return model.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', type=Path, default=DEFAULT_OUT)
    parser.add_argument('--seed', type=int, default=SEED)
    args = parser.parse_args()
    out: Path = args.out
    if out.exists():
        if any(out.iterdir()) and not (out / 'model_index.json').exists():
            raise SystemExit(f'export_test_denoiser: expected an empty folder or an existing pack at {out}')
        shutil.rmtree(out)
    out.mkdir(parents=True)
    torch.set_num_threads(1)

    # 1. module
    model = build(args.seed)

    # 2. export
    axes = {0: 'batch', 2: 'height', 3: 'width'}
    spec = Spec('denoiser', model, {'frames': (torch.float32, axes)}, {'restored': axes}, None)
    path = out / 'denoiser' / 'model.onnx'
    g = torch.Generator().manual_seed(args.seed)
    export(model, (torch.randn(1, 3, TILE, TILE, generator=g),), path, ['frames'], ['restored'],
           {'frames': axes, 'restored': axes})  # fmt: skip
    compact_tensor_names(path)

    # 3. checks: graph names and dtypes, torch at the tile size and at another batch / size
    sig = check_graph(spec, path)
    for b, h, w in ((1, TILE, TILE), (2, 40, 56)):
        with torch.no_grad():
            y = model(torch.randn(b, 3, h, w, generator=g))
        if tuple(y.shape) != (b, 3, h, w) or not torch.isfinite(y).all():
            raise RuntimeError(f'export_test_denoiser: torch output {tuple(y.shape)} for input {(b, 3, h, w)}')

    # 4. model_index.json
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob('*') if p.is_file())
    index = {
        '_class_name': 'DenoiserPipeline',
        'format_version': 1,
        'name': 'tiny-denoiser-test',
        'version': '0.1.0',
        'components': {'denoiser': 'denoiser/model.onnx'},
        'files': {name: sha256(out / name) for name in files},
        'tile': {'height': TILE, 'width': TILE},
        'mapping': {'ct': {'low_hu': -1024, 'high_hu': 1024}, 'rgb': {'scale': 127.5, 'offset': -1}},
        'defaults': {'tile_overlap': 16},
        'training': {
            'note': 'random weights (test fixture), not trained; restores nothing',
            'script': 'models/training/export_test_denoiser.py',
            'seed': args.seed,
            'torch': torch.__version__,
        },
    }
    (out / 'model_index.json').write_text(jsonfmt.dumps(index))
    total = sum((out / name).stat().st_size for name in files) + (out / 'model_index.json').stat().st_size
    print(f'pack: {out} ({total} bytes, opset {OPSET}, torch {torch.__version__})')
    for kind in ('inputs', 'outputs'):
        for t in sig[kind]:
            print(f"  denoiser {kind[:-1]} {t['name']} {t['dtype']} {t['shape']}")


if __name__ == '__main__':
    main()
