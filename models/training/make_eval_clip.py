#!/usr/bin/python3
"""Write the held-out capsule benchmark: sharp frames of a held-out clip and their degraded versions.

    /usr/bin/python3 models/training/make_eval_clip.py --data .cache/training --clip 39960e5e099a45ca \
        --frames 36 [--seed 7]

Reads ``<data>/capsule/<clip>`` (from `gsdiff training-data`), takes the first ``--frames`` frames of its longest
run, and degrades them with the capsule model of gsdiff/degrade.py at its ``BENCHMARK`` setting (a fixed point of
the training distribution, harder than its median in every parameter): one trajectory length, noise gain, read
noise, defocus range and JPEG quality for the clip, and per frame its own random trajectory, exposure fraction,
defocus radius and noise, all from ``--seed``. So every method is scored on the same frames. Writes
``<data>/eval/<clip>/`` (sharp.u8, degraded.u8 [n, H, W, 3]; psfs.f32 [n, K, K], each frame's blur kernel, for
non-blind methods and inspection; meta.json with every parameter and per-frame draw, and the input PSNR measured
as `gsdiff evaluate --clip` does) through a temporary folder (nothing half-written is left under the final name).
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

from gsdiff import degrade  # noqa: E402
from gsdiff.data import load_clip  # noqa: E402


def psnr_8bit(ref: np.ndarray, test: np.ndarray) -> float:
    """Mean over frames of each frame's PSNR over all its pixels and channels, peak 255 (validation/metrics/psnr.ts
    with the 8-bit window, averaged per frame as validation/heldout/evaluateHeldOut.ts evaluateClip)."""
    d = (ref.astype(np.float64) - test.astype(np.float64)).reshape(len(ref), -1)
    return float(np.mean(10 * np.log10(255.0**2 / np.maximum((d * d).mean(axis=1), 1e-12))))


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
    keep = degrade.overlay_mask(np.asarray(clip.frames))  # black in every frame of the clip: the octagon's corners
    params = degrade.BENCHMARK
    rng = np.random.RandomState(args.seed)
    draws = degrade.draw_frames(rng, n, params)
    degraded = degrade.apply(sharp.transpose(0, 3, 1, 2), draws, params, rng, keep=keep).transpose(0, 2, 3, 1)
    degraded = np.ascontiguousarray(degraded)
    input_psnr = psnr_8bit(sharp, degraded)
    out = args.data / 'eval' / args.clip
    tmp = out.with_name(f'.{out.name}.partial-{os.getpid()}')
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    (tmp / 'sharp.u8').write_bytes(sharp.tobytes())
    (tmp / 'degraded.u8').write_bytes(degraded.tobytes())
    (tmp / 'psfs.f32').write_bytes(draws.psfs.astype('<f4').tobytes())
    r = lambda v: [round(float(x), 4) for x in v]  # noqa: E731
    meta = {
        'format': 1, 'kind': 'rgb-eval', 'name': args.clip, 'frames': n, 'width': sharp.shape[2],
        'height': sharp.shape[1], 'first_frame': first, 'seed': args.seed,
        'degradation': {
            'model': 'gsdiff/degrade.py (capsule: sRGB decode, Boracchi-Foi 2012 trajectory PSF per frame (+ pillbox '
                     'defocus), RGGB mosaic, Poisson photo-electrons + Gaussian read noise (Foi et al. 2008), bilinear '
                     'demosaic of the noise, sRGB encode, 8-bit, JPEG; overlay kept)',
            'setting': 'BENCHMARK',
            'params': params.describe(),
            'num_t': degrade.NUM_T,
            'train_ranges': {k: list(v) for k, v in degrade.TRAIN_RANGES.items()},
            'train_jpeg_off': degrade.JPEG_OFF,
            'per_frame': {'exposure': r(draws.exposure), 'path_px': r(draws.path_px), 'defocus_px': r(draws.defocus)},
            'psf_size': int(draws.psfs.shape[1]),
            'overlay_pixels': int(keep.sum()),
        },
        'files': {'sharp': 'sharp.u8', 'degraded': 'degraded.u8', 'psfs': 'psfs.f32 [frames, psf_size, psf_size] <f4'},
        'input_psnr_db': round(input_psnr, 3),
    }  # fmt: skip
    (tmp / 'meta.json').write_text(json.dumps(meta, indent=1) + '\n')
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    print(f'{out}: {n} frames from frame {first}, input PSNR {input_psnr:.2f} dB, PSF up to {draws.psfs.shape[1]} px')


if __name__ == '__main__':
    main()
