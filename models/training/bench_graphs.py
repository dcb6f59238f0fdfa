"""PyTorch side of bench/graphs.ts: the same GSDiff modules (U-Net, DPM, TRN, VAE) at the shapes one 512x512
tile-window feeds them, median milliseconds per call on one device. PyTorch is the reference the issue measures the
ONNX Runtime graphs against (bench/graphRatio.sh), not a product dependency. Weights are random: timing does not
depend on their values.

Usage: /usr/bin/python3 models/training/bench_graphs.py [--config gsdiff-s] [--device cpu|cuda] [--reps 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsdiff.build import construct  # noqa: E402
from gsdiff.config import CONFIGS  # noqa: E402
from gsdiff.unet import UNetOnnx  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--config', default='gsdiff-s', choices=sorted(CONFIGS))
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--reps', type=int, default=20)
    ap.add_argument('--threads', type=int, default=0, help='CPU threads (0: torch default)')
    a = ap.parse_args()
    if a.device.startswith('cuda') and not torch.cuda.is_available():
        raise SystemExit(f'bench_graphs: --device {a.device}: torch {torch.__version__} sees no CUDA device')
    if a.threads:
        torch.set_num_threads(a.threads)
    cfg = CONFIGS[a.config]
    dev = torch.device(a.device)
    torch.manual_seed(1)
    unet = construct('unet', cfg)
    mods = {n: construct(n, cfg).eval().to(dev) for n in ('dpm', 'trn', 'vae_encoder', 'vae_decoder')}
    mods['unet'] = UNetOnnx(unet).eval().to(dev)  # type: ignore[arg-type]
    k, c, f = cfg.frames, cfg.latent_channels, cfg.downscale
    h, w = cfg.grid_height // f, cfg.grid_width // f
    z = torch.randn(1, c, h, w, device=dev)
    zd = torch.randn(1, cfg.z_tokens, cfg.z_dim, device=dev)
    t_int = torch.tensor([1], device=dev)
    with torch.no_grad():
        res = mods['dpm'](z, z, t_int.float(), zd)
    calls = {
        'unet': lambda: mods['unet'](z, t_int, zd, *res),
        'dpm': lambda: mods['dpm'](z, z, t_int.float(), zd),
        'trn': lambda: mods['trn'](torch.randn(1, k, 3, cfg.tile, cfg.tile, device=dev)),
        'vae_encoder': lambda: mods['vae_encoder'](torch.randn(1, 3, h * f, w * f, device=dev)),
        'vae_decoder': lambda: mods['vae_decoder'](z),
    }
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
    medians = {}
    with torch.no_grad():
        for name, call in calls.items():
            for _ in range(3):
                call()
            sync()
            ms = []
            for _ in range(a.reps):
                t0 = time.perf_counter()
                call()
                sync()
                ms.append((time.perf_counter() - t0) * 1000)
            medians[name] = round(statistics.median(ms), 2)
    print(json.dumps({'runtime': f'torch {torch.__version__}', 'device': str(dev), 'config': cfg.name,
                      'shapes': {'latent': [1, c, h, w], 'frames': [1, k, 3, cfg.tile, cfg.tile]},
                      'reps': a.reps, 'medianMs': medians}))


if __name__ == '__main__':
    main()
