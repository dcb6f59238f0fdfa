"""Training windows from the folders that `gsdiff training-data` exports (format 1), never from the repository.

CT: ``ct/<name>/meta.json`` + ``clean.i16`` [N,H,W] HU + one ``doseNNNN.i16`` per simulated dose fraction (the
projection-domain simulation of validation/lowdose, run by the TypeScript exporter: one implementation). A window is
k consecutive slices (in position order), one dose level, one random in-plane crop shared by the k slices.

Capsule: ``capsule/<clip>/meta.json`` + ``frames.u8`` [N,H,W,3] + the runs of FRAMES.tsv. A window is k consecutive
frames inside one run (never across a run boundary); the degradation is synthesised here (``degrade.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .config import TinyConfig
from .degrade import degrade_capsule

FORMAT = 1
CT_PHRASES = ('low-dose CT noise', 'CT noise', 'CT noise from a sharp kernel', 'noise', 'low-dose CT noise and noise')
RGB_PHRASES = ('motion blur', 'blur and noise', 'motion blur and blur and noise')
LABEL_CT_NOISE, LABEL_MOTION_BLUR, LABEL_CLEAN = 0, 1, 2
AIR_HU = -900.0  # crops whose clean mean is below this are mostly air outside the body: redrawn


class DataError(ValueError):
    pass


def _meta(folder: Path, kind: str) -> dict:
    path = folder / 'meta.json'
    try:
        meta = json.loads(path.read_text())
    except FileNotFoundError as e:
        raise DataError(f'{path}: expected the meta.json of `gsdiff training-data`') from e
    if meta.get('format') != FORMAT or meta.get('kind') != kind:
        raise DataError(f"{path}: expected format {FORMAT} kind {kind!r}, got {meta.get('format')} {meta.get('kind')!r}")
    return meta


@dataclass
class CtSeries:
    name: str
    clean: np.ndarray  # [N, H, W] int16 HU (memory-mapped)
    noisy: dict[float, np.ndarray]
    pixel_spacing_mm: float


@dataclass
class Clip:
    name: str
    frames: np.ndarray  # [N, H, W, 3] uint8 (memory-mapped)
    runs: list[tuple[int, int]]  # (first frame, length)


def load_ct(folder: Path) -> CtSeries:
    meta = _meta(folder, 'ct')
    n, h, w = meta['slices'], meta['height'], meta['width']

    def mm(name: str) -> np.ndarray:
        path = folder / name
        if path.stat().st_size != n * h * w * 2:
            raise DataError(f'{path}: expected {n * h * w * 2} bytes ({n}x{h}x{w} int16), got {path.stat().st_size}')
        return np.memmap(path, dtype='<i2', mode='r', shape=(n, h, w))

    files = meta['files']
    noisy = {float(f): mm(files[f'dose{round(f * 1000):04d}']) for f in meta['doses']}
    return CtSeries(meta['name'], mm(files['clean']), noisy, float(meta['pixelSpacingMm']))


def load_clip(folder: Path) -> Clip:
    meta = _meta(folder, 'rgb')
    n, h, w = meta['frames'], meta['height'], meta['width']
    path = folder / meta['files']['frames']
    if path.stat().st_size != n * h * w * 3:
        raise DataError(f'{path}: expected {n * h * w * 3} bytes ({n}x{h}x{w}x3), got {path.stat().st_size}')
    frames = np.memmap(path, dtype=np.uint8, mode='r', shape=(n, h, w, 3))
    return Clip(meta['name'], frames, [(r['first'], r['length']) for r in meta['runs']])


def ct_to_model(hu: torch.Tensor, cfg: TinyConfig) -> torch.Tensor:
    """[..., H, W] HU -> [..., 3, H, W] in [-1, 1] over the pack's CT window (models/README.md)."""
    x = 2.0 * (hu - cfg.ct_low_hu) / (cfg.ct_high_hu - cfg.ct_low_hu) - 1.0
    return x.clamp(-1.0, 1.0).unsqueeze(-3).expand(*hu.shape[:-2], 3, *hu.shape[-2:]).contiguous()


@dataclass
class Batch:
    clean: torch.Tensor  # [B, k, 3, h, w] model range
    degraded: torch.Tensor  # [B, k, 3, h, w]
    neighbour: torch.Tensor  # [B, k, 3, h, w]: the degraded window shifted by one frame (L_con positive)
    label: torch.Tensor  # [B] recognizer label of the degraded window
    kind: torch.Tensor  # [B] 0 = CT, 1 = capsule (degradation type for L_con)
    phrases: list[str]


class WindowSampler:
    """Random training windows; ``rng`` makes a run reproducible from its seed."""

    def __init__(
        self,
        cts: list[CtSeries],
        clips: list[Clip],
        cfg: TinyConfig,
        rng: np.random.RandomState,
        ct_fraction: float = 0.75,
        crop: int | None = None,
    ) -> None:
        if not cts and not clips:
            raise DataError('WindowSampler: expected at least one CT series or capsule clip')
        self.cts, self.clips, self.cfg, self.rng = cts, clips, cfg, rng
        self.k = cfg.frames
        self.crop = crop or cfg.tile
        self.ct_fraction = ct_fraction if clips else 1.0
        if not cts:
            self.ct_fraction = 0.0
        for s in cts:
            if s.clean.shape[0] < self.k + 1:
                raise DataError(f'{s.name}: expected at least {self.k + 1} slices for {self.k}-frame windows')
        self.runs = [(c, first, n) for c in clips for first, n in c.runs if n >= self.k + 1]
        if clips and not self.runs:
            raise DataError(f'capsule clips: expected a run of at least {self.k + 1} frames')

    def _ct(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        s = self.cts[self.rng.randint(len(self.cts))]
        doses = sorted(s.noisy)
        dose = doses[self.rng.randint(len(doses))]
        n, h, w = s.clean.shape
        c = self.crop
        for _ in range(8):
            start = self.rng.randint(n - self.k)
            y, x = self.rng.randint(h - c + 1), self.rng.randint(w - c + 1)
            clean = np.asarray(s.clean[start : start + self.k + 1, y : y + c, x : x + c], dtype=np.float32)
            if clean.mean() > AIR_HU:
                break
        noisy = np.asarray(s.noisy[dose][start : start + self.k + 1, y : y + c, x : x + c], dtype=np.float32)
        phrase = CT_PHRASES[self.rng.randint(len(CT_PHRASES))]
        return clean, noisy, self._flips(), phrase

    def _flips(self) -> np.ndarray:
        return self.rng.randint(2, size=3)  # flip y, flip x, reverse frame order

    def _rgb(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        clip, first, length = self.runs[self.rng.randint(len(self.runs))]
        start = first + self.rng.randint(length - self.k)
        _, h, w, _ = clip.frames.shape
        c = self.crop
        y, x = self.rng.randint(h - c + 1), self.rng.randint(w - c + 1)
        sharp = np.asarray(clip.frames[start : start + self.k + 1, y : y + c, x : x + c], dtype=np.float32)
        sharp = sharp.transpose(0, 3, 1, 2) / 127.5 - 1.0  # [k+1, 3, c, c]
        blurred = degrade_capsule(sharp, self.rng)
        phrase = RGB_PHRASES[self.rng.randint(len(RGB_PHRASES))]
        return sharp, blurred, self._flips(), phrase

    def sample(self, batch: int) -> Batch:
        cleans, degs, neighs, labels, kinds, phrases = [], [], [], [], [], []
        for _ in range(batch):
            is_ct = self.rng.rand() < self.ct_fraction
            clean, deg, flips, phrase = self._ct() if is_ct else self._rgb()
            if is_ct:
                clean_t = ct_to_model(torch.from_numpy(clean), self.cfg)
                deg_t = ct_to_model(torch.from_numpy(deg), self.cfg)
            else:
                clean_t, deg_t = torch.from_numpy(clean), torch.from_numpy(deg)
            dims = [d for d, f in zip((2, 3), flips[:2]) if f]
            if dims:
                clean_t, deg_t = clean_t.flip(dims), deg_t.flip(dims)
            if flips[2]:
                clean_t, deg_t = clean_t.flip([0]), deg_t.flip([0])
            cleans.append(clean_t[: self.k])
            degs.append(deg_t[: self.k])
            neighs.append(deg_t[1:])
            labels.append(LABEL_CT_NOISE if is_ct else LABEL_MOTION_BLUR)
            kinds.append(0 if is_ct else 1)
            phrases.append(phrase)
        return Batch(
            torch.stack(cleans),
            torch.stack(degs),
            torch.stack(neighs),
            torch.tensor(labels),
            torch.tensor(kinds),
            phrases,
        )


def load_folder(root: Path, names: list[str]) -> tuple[list[CtSeries], list[Clip]]:
    """``names`` are folder names under ``root/ct`` or ``root/capsule``; a missing one is an error naming it."""
    cts: list[CtSeries] = []
    clips: list[Clip] = []
    for name in names:
        if (root / 'ct' / name).is_dir():
            cts.append(load_ct(root / 'ct' / name))
        elif (root / 'capsule' / name).is_dir():
            clips.append(load_clip(root / 'capsule' / name))
        else:
            raise DataError(f'{root}: expected ct/{name} or capsule/{name} (export it with `gsdiff training-data`)')
    return cts, clips
