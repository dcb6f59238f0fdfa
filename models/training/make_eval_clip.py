#!/usr/bin/python3
"""Write a fixed capsule evaluation clip: sharp frames of a held-out clip and their degraded versions.

    /usr/bin/python3 models/training/make_eval_clip.py --data .cache/training --clip 39960e5e099a45ca \
        --frames 36 [--seed 7]

Reads ``<data>/capsule/<clip>`` (from `gsdiff training-data`), takes the first ``--frames`` frames of its longest
run, and degrades them with the training degradation (gsdiff/degrade.py: random-trajectory motion blur + sensor
noise, fixed seed), so every method is scored on the same frames. Writes ``<data>/eval/<clip>/`` (sharp.u8,
degraded.u8, meta.json) through a temporary folder (nothing half-written is left under the final name).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsdiff.data import load_clip  # noqa: E402
from gsdiff.degrade import degrade_capsule  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', type=Path, default=Path('.cache/training'))
    p.add_argument('--clip', required=True)
    p.add_argument('--frames', type=int, default=36)
    p.add_argument('--seed', type=int, default=7)
    args = p.parse_args()
    clip = load_clip(args.data / 'capsule' / args.clip)
    first, length = max(clip.runs, key=lambda r: r[1])
    n = min(args.frames, length)
    sharp = np.asarray(clip.frames[first : first + n])  # [n, H, W, 3] uint8
    x = sharp.transpose(0, 3, 1, 2).astype(np.float32) / 127.5 - 1.0
    rng = np.random.RandomState(args.seed)
    degraded = np.stack([degrade_capsule(x[i : i + 1], rng)[0] for i in range(n)])  # each frame its own trajectory
    degraded_u8 = np.clip(np.round((degraded.transpose(0, 2, 3, 1) + 1.0) * 127.5), 0, 255).astype(np.uint8)
    out = args.data / 'eval' / args.clip
    tmp = out.with_name(f'.{out.name}.partial-{os.getpid()}')
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / 'sharp.u8').write_bytes(sharp.tobytes())
    (tmp / 'degraded.u8').write_bytes(degraded_u8.tobytes())
    meta = {'format': 1, 'kind': 'rgb-eval', 'name': args.clip, 'frames': n, 'width': sharp.shape[2],
            'height': sharp.shape[1], 'first_frame': first, 'seed': args.seed,
            'degradation': 'gsdiff/degrade.py degrade_capsule'}  # fmt: skip
    (tmp / 'meta.json').write_text(json.dumps(meta, indent=1) + '\n')
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f'{out}: {n} frames from frame {first}')


if __name__ == '__main__':
    main()
