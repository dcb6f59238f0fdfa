"""Held-out PSNR of a TRN checkpoint alone (stage ``trn``): the curve of issue "Step 12" while the TRN pretrains.

Runs T(V_d) in torch on consecutive 9-slice windows of whole slices of an evaluation export (``gsdiff training-data
--doses``), PSNR in the [-160, 240] HU window (data range 400) over the slices, as ``gsdiff evaluate`` computes it
(validation/metrics psnr: both images clamped to the window, MSE over the whole slice). A development figure: the
tables in docs/RESULTS.md come from ``gsdiff evaluate`` through the runtime.

    /usr/bin/python3 models/training/eval_trn.py --run .cache/runs/gsdiff-n --data .cache/training --ct acrin-heldout
    /usr/bin/python3 models/training/eval_trn.py --run .cache/runs/gsdiff-t-rgb --clip 39960e5e099a45ca  # RGB TRN
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gsdiff.build import construct  # noqa: E402
from gsdiff.config import CONFIGS  # noqa: E402
from gsdiff.data import ct_to_model, load_ct  # noqa: E402
from gsdiff.ema import averaged_weights  # noqa: E402
from gsdiff.trn_tconv import mixed  # noqa: E402
from make_eval_clip import psnr_8bit  # noqa: E402

LOW, HIGH = -160.0, 240.0


def psnr(ref: torch.Tensor, test: torch.Tensor) -> float:
    mse = float(((test.clamp(LOW, HIGH) - ref.clamp(LOW, HIGH)) ** 2).mean())
    return 10 * math.log10((HIGH - LOW) ** 2 / mse) if mse > 0 else math.inf


def eval_clip(args: argparse.Namespace, trn: torch.nn.Module, state: dict) -> dict:
    """The RGB TRN on the capsule benchmark (make_eval_clip.py): each frame with its true neighbours, mirrored at the
    clip's ends as the runtime's refineFrame does, 8-bit PSNR per frame averaged (make_eval_clip.psnr_8bit)."""
    folder = args.data / 'eval' / args.clip
    meta = json.loads((folder / 'meta.json').read_text())
    n, h, w = meta['frames'], meta['height'], meta['width']
    sharp = np.fromfile(folder / 'sharp.u8', np.uint8).reshape(n, h, w, 3)
    degraded = np.fromfile(folder / 'degraded.u8', np.uint8).reshape(n, h, w, 3)
    m = min(args.frames, n)
    x = torch.from_numpy(degraded[:m].astype(np.float32) / 127.5 - 1.0).permute(0, 3, 1, 2)  # [m, 3, H, W]
    r = trn.radius  # type: ignore[attr-defined]
    outs = []
    with torch.no_grad():
        for i in range(m):
            idx = [mirror(i + d, m) for d in range(-r, r + 1)]
            looks = x[idx].reshape(1, -1, h, w)
            y = looks[:, r * 3 : (r + 1) * 3] - trn.noise_of_looks(looks)  # type: ignore[operator]
            outs.append(((y[0].permute(1, 2, 0) + 1.0) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy())
    restored = np.stack(outs)
    return {'run': str(args.run), 'clip': args.clip, 'frames': m, 'step': state['step'],
            'weights': 'last' if args.last_iterate or not state.get('ema') else 'ema',
            'minutes': round(state['elapsed_s'] / 60, 1),
            'input': round(psnr_8bit(sharp[:m], degraded[:m]), 2), 'trn': round(psnr_8bit(sharp[:m], restored), 2)}  # fmt: skip


def mirror(i: int, count: int) -> int:
    """models/pipeline/refineFrame.ts mirrorIndex: -1 -> 1, count -> count - 2."""
    if count == 1:
        return 0
    while i < 0 or i >= count:
        i = -i if i < 0 else 2 * (count - 1) - i
    return i


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--run', type=Path, required=True)
    p.add_argument('--data', type=Path, default=Path('.cache/training'))
    p.add_argument('--ct', default='acrin-heldout')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--last-iterate', action='store_true', help="the run's last weights even where it keeps an average")
    p.add_argument('--crop', type=int, default=0, help='a centre crop of this size (a quick check; 0: whole slices)')
    p.add_argument('--trn-mix', type=float, default=None,
                   help='a two-output TRN (config gsdiff-t2): the mix of its outputs to run (trn_tconv.mixed; default 0)')
    p.add_argument('--clip', default=None,
                   help='an RGB TRN (config gsdiff-t-rgb): the capsule benchmark clip under <data>/eval instead of --ct')
    p.add_argument('--frames', type=int, default=36, help='--clip: frames scored (as gsdiff evaluate --frames)')
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    state = torch.load(args.run / 'trn.pt', map_location='cpu')
    cfg = CONFIGS[state['config']]
    trn = construct('trn', cfg).eval()
    trn.load_state_dict(averaged_weights(state, 'trn', not args.last_iterate))
    if getattr(trn, 'outputs', 1) > 1:
        trn = mixed(trn, args.trn_mix or 0.0).eval()
    elif args.trn_mix is not None:
        raise SystemExit(f"eval_trn: --trn-mix needs a two-output TRN, {args.run / 'trn.pt'} has config {cfg.name}")
    if args.clip is not None:
        print(json.dumps(eval_clip(args, trn, state)))
        return
    series = load_ct(args.data / 'ct' / args.ct)
    k = cfg.frames
    span = cfg.ct_high_hu - cfg.ct_low_hu
    out: dict = {'run': str(args.run), 'crop': args.crop, 'step': state['step'], 'weights': 'last' if args.last_iterate or not state.get('ema') else 'ema', 'minutes': round(state['elapsed_s'] / 60, 1), 'trn_mix': args.trn_mix, 'doses': {}}
    for r in series.realisations:
        clean = torch.from_numpy(r.clean[:].astype('float32'))
        noisy = torch.from_numpy(r.noisy[:].astype('float32'))
        if args.crop:
            h, w = clean.shape[1:]
            y0, x0 = (h - args.crop) // 2, (w - args.crop) // 2
            clean = clean[:, y0 : y0 + args.crop, x0 : x0 + args.crop]
            noisy = noisy[:, y0 : y0 + args.crop, x0 : x0 + args.crop]
        n = clean.shape[0] // k * k
        restored = []
        with torch.no_grad():
            for s in range(0, n, k):
                x = ct_to_model(noisy[s : s + k], cfg).unsqueeze(0)  # [1, k, 3, H, W]
                y = trn(x)[0].mean(dim=1)  # [k, H, W] model range
                # the runtime's delta rule: the model's change in model range, added to the input in HU
                restored.append(noisy[s : s + k] + (y - x[0].mean(dim=1)) * span / 2)
        rest = torch.cat(restored)
        out['doses'][str(r.params.get('doseFraction'))] = {
            'slices': n,
            'input': round(sum(psnr(clean[i], noisy[i]) for i in range(n)) / n, 2),
            'trn': round(sum(psnr(clean[i], rest[i]) for i in range(n)) / n, 2),
        }
    print(json.dumps(out))


if __name__ == '__main__':
    main()
