"""Compact training state, committed to the repository so every session resumes where the last one stopped.

A checkpoint in ``.cache/`` is lost when a session ends; ``<state dir>/<stage>.state.pt`` is not. It holds what a
resume needs and nothing else: the weights in fp16 (a round trip to fp32 changes a weight by at most 2^-11 of its
value), the optimiser's moments in bfloat16 (Adam's second moments reach 1e-12, below fp16's range; bfloat16 keeps
fp32's exponent), its step counts, the run's step and step time, the RNG seed (the samplers' streams are derived from
seed and step, so a resume continues the same streams), the settings, and the data manifest: every training folder's
series, noise model and realisations with their simulation parameters. ``warm_restart=True`` drops the optimiser
(a weights-only state, a quarter of the size): the resumed Adam then starts from zero moments, which its bias
correction treats as a fresh start at the current weights — documented in the state as ``optimizer: warm-restart``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from .degrade import JPEG_OFF, NUM_T, TRAIN_RANGES

FORMAT = 1


def _cast(obj, dtype: torch.dtype):  # type: ignore[no-untyped-def]
    """Floating tensors to dtype, except the optimiser's step counts (bfloat16 would round them above 256)."""
    if torch.is_tensor(obj):
        return obj.to(dtype) if obj.is_floating_point() else obj
    if isinstance(obj, dict):
        return {k: (v if k == 'step' else _cast(v, dtype)) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_cast(v, dtype) for v in obj)
    return obj


def data_manifest(data: Path, names: list[str]) -> list[dict]:
    """Each training folder's meta.json without file names: the series, its noise model, every realisation's
    simulation parameters (dose, kernel, electronic noise, thickness, seed), or a clip's runs and the capsule
    degradation model's training ranges (degrade.py)."""
    out = []
    for name in names:
        for kind in ('ct', 'capsule'):
            meta_path = data / kind / name / 'meta.json'
            if meta_path.exists():
                meta = json.loads(meta_path.read_text())
                meta.pop('files', None)
                meta.pop('officialSplit', None)
                for r in meta.get('realisations', []):
                    r.pop('files', None)
                if kind == 'capsule':  # the degradation is synthesised while sampling: record its model and ranges
                    ranges = {k: list(v) for k, v in TRAIN_RANGES.items()}
                    meta['degradation'] = {'model': 'gsdiff/degrade.py', 'train_ranges': ranges, 'jpeg_off': JPEG_OFF,
                                           'num_t': NUM_T}  # fmt: skip
                out.append({'folder': f'{kind}/{name}', **meta})
    return out


def write_state(checkpoint: dict, out_dir: Path, manifest: list[dict], warm_restart: bool = False) -> Path:
    """Writes ``<out_dir>/<stage>.state.pt`` (atomically) from a train.py checkpoint dict."""
    out_dir.mkdir(parents=True, exist_ok=True)
    state = {
        'format': FORMAT,
        **{k: checkpoint[k] for k in ('stage', 'config', 'step', 'elapsed_s', 'seed', 'torch', 'extra', 'train')},
        'models': _cast(checkpoint['models'], torch.float16),
        'opt': None if warm_restart or checkpoint.get('opt') is None else _cast(checkpoint['opt'], torch.bfloat16),
        'optimizer': 'warm-restart' if warm_restart else 'adam-moments-bf16',
        # the weight average (gsdiff/ema.py) is what the pack exports: kept in fp16 like the weights
        **({'ema': _cast(checkpoint['ema'], torch.float16), 'ema_decay': checkpoint['ema_decay'],
            'ema_updates': checkpoint['ema_updates']} if checkpoint.get('ema') else {}),
        'data': manifest,
    }
    path = out_dir / f"{checkpoint['stage']}.state.pt"
    tmp = path.with_suffix('.pt.tmp')
    torch.save(state, tmp)
    os.replace(tmp, path)
    return path


def read_state(path: Path) -> dict:
    """A committed state as a train.py checkpoint dict in fp32 (the optimiser is None after a warm restart)."""
    try:
        state = torch.load(path, map_location='cpu')
    except FileNotFoundError as e:
        raise SystemExit(f'train: --resume {path}: expected a committed state (<stage>.state.pt)') from e
    if not isinstance(state, dict) or state.get('format') != FORMAT:
        raise SystemExit(f'train: {path}: expected a state of format {FORMAT}, got {state.get("format")!r}')
    state['models'] = _cast(state['models'], torch.float32)
    if state.get('ema') is not None:
        state['ema'] = _cast(state['ema'], torch.float32)
    if state.get('opt') is not None:
        state['opt'] = _cast(state['opt'], torch.float32)
    return state


def write_checkpoint(state: dict, path: Path) -> None:
    """Writes a committed state (from ``read_state``) as a run's ``<stage>.pt`` checkpoint, which train.py's usual
    resume and export_pack.py take up: the state's own bookkeeping (format, optimiser kind, data manifest) stays out."""
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({k: v for k, v in state.items() if k not in ('format', 'optimizer', 'data')}, path)
