"""Training windows from the folders that `gsdiff training-data` exports (formats 1 and 2), never from the repository.

CT, format 2: ``ct/<name>/meta.json`` lists *realisations*, each a pair of int16 HU volumes [N_r, H, W]: ``clean``
(the full-dose reference of that realisation) and ``noisy`` (its simulated lower-dose acquisition, by the
projection-domain simulation of validation/lowdose run in the TypeScript exporter: one implementation), with the
parameters that made it (doseFraction, thicknessSlices, sliceThicknessMm, kernel, electronicNoiseVariance,
incidentPhotons, seed; ``realisation_params``). Several realisations may share one clean file.

CT, format 1 (still read): ``meta.json`` + ``clean.i16`` [N,H,W] HU + one ``doseNNNN.i16`` per simulated dose
fraction; it loads as one realisation per dose (id ``doseNNNN``), all sharing ``clean.i16``.

A CT window is k consecutive slices (in position order) of ONE realisation, one random in-plane crop shared by the
k slices and by clean and noisy. Series are drawn uniformly, then a realisation uniformly within the series; a
realisation too short for a window (k + 1 slices are read) is left out (``WindowSampler.skipped``).

Capsule (format 1; a format-2 export writes the same layout): ``capsule/<clip>/meta.json`` + ``frames.u8``
[N,H,W,3] + the runs of FRAMES.tsv. A window is k consecutive frames inside one run (never across a run boundary);
the degradation is synthesised here (``degrade.py``: one draw of the randomised capsule model per window, each frame
its own trajectory and noise), from the crop and the real pixels around it that the window's PSFs reach; the clip's
black overlay (the octagon's corners) stays black.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

from .config import TinyConfig
from .degrade import apply as degrade_apply
from .degrade import draw_frames, draw_params, overlay_mask
from .hf_noise import added_high_band_sd
from .own_noise import own_high_pass_var, recorrupted_target

FORMATS = {'ct': (1, 2), 'rgb': (1, 2)}
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
    except json.JSONDecodeError as e:
        raise DataError(f'{path}: expected JSON, got {e}') from e
    formats = FORMATS[kind]
    if not isinstance(meta, dict) or meta.get('format') not in formats or meta.get('kind') != kind:
        got = f"{meta.get('format')} {meta.get('kind')!r}" if isinstance(meta, dict) else type(meta).__name__
        want = ' or '.join(str(f) for f in formats)
        raise DataError(f'{path}: expected format {want} kind {kind!r}, got {got}')
    return meta


def _field(meta: dict, key: str, path: Path, what: str, ok: Callable[[Any], object], where: str = '') -> Any:
    """``meta[key]`` when ``ok(value)``, else a DataError naming the file, the field and what was expected."""
    value = meta.get(key)
    try:
        good = value is not None and bool(ok(value))
    except (TypeError, ValueError):
        good = False
    if not good:
        raise DataError(f'{path}: {where}{key}: expected {what}, got {json.dumps(value)}')
    return value


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@dataclass(frozen=True, eq=False)  # eq: identity (its fields hold arrays)
class CtRealisation:
    id: str
    clean: np.ndarray  # [N_r, H, W] int16 HU (memory-mapped; one map per file, shared by realisations)
    noisy: np.ndarray  # [N_r, H, W] int16 HU (memory-mapped)
    params: dict  # meta.json's realisation entry without "files" (read it through realisation_params)


@dataclass
class CtSeries:
    name: str
    realisations: list[CtRealisation]  # format 1: one per dose, in increasing dose order
    pixel_spacing_mm: float
    format: int


@dataclass
class Clip:
    name: str
    frames: np.ndarray  # [N, H, W, 3] uint8 (memory-mapped)
    runs: list[tuple[int, int]]  # (first frame, length)


def realisation_params(series: CtSeries, realisation: str | int) -> dict:
    """The parameters of one realisation (by id or index), a copy: format 2 gives its meta.json entry without
    ``files`` (id, slices, doseFraction, thicknessSlices, sliceThicknessMm, kernel, electronicNoiseVariance,
    incidentPhotons, seed, whatever else the exporter wrote); format 1 gives id, slices, doseFraction,
    thicknessSlices 1 (the series' own slices), the series seed and its simulation note."""
    ids = [r.id for r in series.realisations]
    if isinstance(realisation, int) and not isinstance(realisation, bool) and 0 <= realisation < len(ids):
        return copy.deepcopy(series.realisations[realisation].params)
    if isinstance(realisation, str) and realisation in ids:
        return copy.deepcopy(series.realisations[ids.index(realisation)].params)
    raise DataError(
        f'{series.name}: expected a realisation id in {ids} or an index below {len(ids)}, got {realisation!r}'
    )


class _Volumes:
    """Memory maps of one folder's int16 volumes, one per file: a file shared by realisations is mapped once and
    must have the same slice count wherever it is named."""

    def __init__(self, folder: Path, h: int, w: int) -> None:
        self.folder, self.h, self.w = folder, h, w
        self.maps: dict[str, tuple[np.ndarray, str]] = {}

    def get(self, name: object, n: int, user: str) -> np.ndarray:
        meta_path = self.folder / 'meta.json'
        if not isinstance(name, str) or not name or Path(name).name != name or name in ('.', '..'):
            raise DataError(f'{meta_path}: {user}: expected a file name inside {self.folder}, got {json.dumps(name)}')
        if name in self.maps:
            arr, first = self.maps[name]
            if arr.shape[0] != n:
                raise DataError(
                    f'{self.folder / name}: expected one slice count per file, got {arr.shape[0]} for {first} and '
                    f'{n} for {user}'
                )
            return arr
        path = self.folder / name
        h, w = self.h, self.w
        try:
            size = path.stat().st_size
        except FileNotFoundError as e:
            raise DataError(f'{path}: expected the int16 volume that {meta_path} names for {user}') from e
        if size != n * h * w * 2:
            raise DataError(f'{path}: expected {n * h * w * 2} bytes ({n}x{h}x{w} int16) for {user}, got {size}')
        arr = np.memmap(path, dtype='<i2', mode='r', shape=(n, h, w))
        self.maps[name] = (arr, user)
        return arr


def _ct_format1(folder: Path, meta: dict) -> list[CtRealisation]:
    path = folder / 'meta.json'
    n = _field(meta, 'slices', path, 'an integer >= 1', lambda v: _is_int(v) and v >= 1)
    doses = _field(meta, 'doses', path, 'a non-empty list of dose fractions in (0, 1]',
                   lambda v: len(v) > 0 and all(_is_number(f) and 0 < f <= 1 for f in v))  # fmt: skip
    files = _field(meta, 'files', path, 'an object of file names', lambda v: isinstance(v, dict))
    vols = _Volumes(folder, meta['height'], meta['width'])
    clean_name = _field(files, 'clean', path, 'a file name', lambda v: isinstance(v, str), 'files.')
    out = []
    for f in sorted(float(d) for d in doses):
        key = f'dose{round(f * 1000):04d}'
        noisy_name = _field(files, key, path, f'the file of dose {f}', lambda v: isinstance(v, str), 'files.')
        params = {'id': key, 'slices': n, 'doseFraction': f, 'thicknessSlices': 1, 'seed': meta.get('seed'),
                  'simulation': meta.get('simulation')}  # fmt: skip
        clean = vols.get(clean_name, n, f'{key} (clean)')
        out.append(CtRealisation(key, clean, vols.get(noisy_name, n, f'{key} (noisy)'), params))
    return out


def _ct_format2(folder: Path, meta: dict) -> list[CtRealisation]:
    path = folder / 'meta.json'
    entries = _field(meta, 'realisations', path, 'a non-empty list of realisations',
                     lambda v: isinstance(v, list) and len(v) > 0)  # fmt: skip
    vols = _Volumes(folder, meta['height'], meta['width'])
    out: list[CtRealisation] = []
    for i, r in enumerate(entries):
        where = f'realisations[{i}].'
        if not isinstance(r, dict):
            raise DataError(f'{path}: realisations[{i}]: expected an object, got {json.dumps(r)}')
        rid = _field(r, 'id', path, 'a non-empty string', lambda v: isinstance(v, str) and v, where)
        if any(o.id == rid for o in out):
            raise DataError(f'{path}: {where}id: expected ids unique in the series, got {json.dumps(rid)} twice')
        n = _field(r, 'slices', path, 'an integer >= 1', lambda v: _is_int(v) and v >= 1, where)
        _field(r, 'doseFraction', path, 'a number in (0, 1]', lambda v: _is_number(v) and 0 < v <= 1, where)
        files = _field(r, 'files', path, 'an object {"clean": file, "noisy": file}', lambda v: isinstance(v, dict),
                       where)  # fmt: skip
        user = f'realisation {rid}'
        clean = vols.get(files.get('clean'), n, f'{user} (clean)')
        noisy = vols.get(files.get('noisy'), n, f'{user} (noisy)')
        params = {k: v for k, v in r.items() if k != 'files'}
        out.append(CtRealisation(rid, clean, noisy, params))
    return out


def load_ct(folder: Path) -> CtSeries:
    meta = _meta(folder, 'ct')
    path = folder / 'meta.json'
    for key in ('width', 'height'):
        _field(meta, key, path, 'an integer >= 1', lambda v: _is_int(v) and v >= 1)
    spacing = _field(meta, 'pixelSpacingMm', path, 'a number > 0', lambda v: _is_number(v) and v > 0)
    _field(meta, 'dtype', path, '"int16-le"', lambda v: v == 'int16-le')
    _field(meta, 'units', path, '"HU"', lambda v: v == 'HU')
    reals = _ct_format1(folder, meta) if meta['format'] == 1 else _ct_format2(folder, meta)
    name = _field(meta, 'name', path, 'a non-empty string', lambda v: isinstance(v, str) and v)
    return CtSeries(name, reals, float(spacing), meta['format'])


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
    # per window: (series or clip name, realisation id or f'run@{first frame}', first slice/frame before reversal)
    sources: list[tuple[str, str, int]]
    # --own-noise (gsdiff/own_noise.py): [B, k, 3, h, w] targets without the reference's own noise, and [B] weights
    # (0 where a window can give none); None without it
    own_target: torch.Tensor | None = None
    own_weight: torch.Tensor | None = None


def _pad_window(frames: np.ndarray, length: int) -> np.ndarray:
    """The window as float32, its last frame repeated up to ``length`` (a one-slice series in a single-frame stage)."""
    out = np.asarray(frames, dtype=np.float32)
    if out.shape[0] < length:
        out = np.concatenate([out, np.repeat(out[-1:], length - out.shape[0], axis=0)])
    return out


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
        hf_noise: float = 0.0,
        own_noise: bool = False,
    ) -> None:
        if not cts and not clips:
            raise DataError('WindowSampler: expected at least one CT series or capsule clip')
        self.cts, self.clips, self.cfg, self.rng = cts, clips, cfg, rng
        # gsdiff/hf_noise.py: top-band noise added to CT inputs, up to hf_noise x each realisation's own added top band
        if hf_noise < 0:
            raise DataError(f'WindowSampler: hf_noise: expected >= 0, got {hf_noise}')
        self.hf_noise = hf_noise
        self.hf_sd: dict[int, float] = {}
        self.own_noise = own_noise  # deterministic given the window: the random stream is the same with or without it
        self.own_hp_var: dict[int, float] = {}
        self.k = cfg.frames
        self.crop = crop or cfg.tile
        self.ct_fraction = ct_fraction if clips else 1.0
        if not cts:
            self.ct_fraction = 0.0
        # Windows read k + 1 slices (the L_con neighbour): a shorter realisation (a thick-slab one of a short export)
        # cannot give one and is left out, named in ``skipped``; a series left with none is an error. Single-frame
        # stages (k = 1: RED-CNN, DnCNN) never use the neighbour, so one-slice series (the WG04 slices) serve them; their
        # neighbour is the frame itself.
        self.min_slices = self.k + 1 if self.k > 1 else 1
        self.pools: list[list[CtRealisation]] = []
        self.skipped: list[str] = []
        for s in cts:
            h, w = s.realisations[0].clean.shape[1:]
            if min(h, w) < self.crop:
                raise DataError(f'{s.name}: expected slices of at least {self.crop}x{self.crop}, got {h}x{w}')
            pool = [r for r in s.realisations if r.clean.shape[0] >= self.min_slices]
            self.skipped += [f'{s.name}/{r.id} ({len(r.clean)} slices)' for r in s.realisations if r not in pool]
            if not pool:
                counts = [r.clean.shape[0] for r in s.realisations]
                raise DataError(
                    f'{s.name}: expected a realisation of at least {self.min_slices} slices for {self.k}-frame windows, '
                    f'got {counts}'
                )
            self.pools.append(pool)
        for clip in clips:
            _, h, w, _ = clip.frames.shape
            if min(h, w) < self.crop:
                raise DataError(f'{clip.name}: expected frames of at least {self.crop}x{self.crop}, got {h}x{w}')
        self.runs = [(c, first, n) for c in clips for first, n in c.runs if n >= self.k + 1]
        if clips and not self.runs:
            raise DataError(f'capsule clips: expected a run of at least {self.k + 1} frames')
        # each clip's overlay (pixels black in 64 frames spread over the clip): kept black in the degraded frames
        self.overlays = {
            id(c): overlay_mask(np.asarray(c.frames[np.linspace(0, len(c.frames) - 1, 64).astype(int)])) for c in clips
        }

    def _ct(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, tuple[str, str, int], tuple[np.ndarray, float] | None]:
        # a series uniformly, then one of its usable realisations uniformly (format 1: one per dose, in dose order,
        # so a format-1 run draws the same stream as before format 2)
        i = self.rng.randint(len(self.cts))
        s, pool = self.cts[i], self.pools[i]
        r = pool[self.rng.randint(len(pool))]
        n, h, w = r.clean.shape
        c = self.crop
        for _ in range(8):
            start = self.rng.randint(max(1, n - self.k))
            y, x = self.rng.randint(h - c + 1), self.rng.randint(w - c + 1)
            clean = _pad_window(r.clean[start : start + self.k + 1, y : y + c, x : x + c], self.k + 1)
            if clean.mean() > AIR_HU:
                break
        noisy = _pad_window(r.noisy[start : start + self.k + 1, y : y + c, x : x + c], self.k + 1)
        if self.hf_noise > 0:
            if id(r) not in self.hf_sd:
                self.hf_sd[id(r)] = added_high_band_sd(r.clean, r.noisy)
            sd = self.rng.rand() * self.hf_noise * self.hf_sd[id(r)]
            noisy = noisy.astype(np.float32) + self.rng.normal(0.0, 1.0, noisy.shape).astype(np.float32) * sd
        own = None
        if self.own_noise:
            if id(r) not in self.own_hp_var:  # per realisation: a thick-slab one has its own, averaged reference
                self.own_hp_var[id(r)] = own_high_pass_var(r.clean)
            dose = float(r.params.get('doseFraction', 0.0))
            own = recorrupted_target(clean, noisy, dose, self.own_hp_var[id(r)])
        phrase = CT_PHRASES[self.rng.randint(len(CT_PHRASES))]
        return clean, noisy, self._flips(), phrase, (s.name, r.id, start), own

    def _flips(self) -> np.ndarray:
        return self.rng.randint(2, size=3)  # flip y, flip x, reverse frame order

    def _rgb(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, str, tuple[str, str, int], None]:
        clip, first, length = self.runs[self.rng.randint(len(self.runs))]
        start = first + self.rng.randint(length - self.k)
        _, h, w, _ = clip.frames.shape
        c = self.crop
        y, x = self.rng.randint(h - c + 1), self.rng.randint(w - c + 1)
        params = draw_params(self.rng)
        draws = draw_frames(self.rng, self.k + 1, params)
        r = draws.radius  # the crop plus r pixels of context on every side (reflected beyond the frame's edge)
        y0, y1, x0, x1 = max(0, y - r), min(h, y + c + r), max(0, x - r), min(w, x + c + r)
        pads = ((r - (y - y0), r - (y1 - y - c)), (r - (x - x0), r - (x1 - x - c)))
        region = np.pad(np.asarray(clip.frames[start : start + self.k + 1, y0:y1, x0:x1]).transpose(0, 3, 1, 2),
                        ((0, 0), (0, 0), *pads), mode='reflect')  # fmt: skip
        keep = np.pad(self.overlays[id(clip)][y0:y1, x0:x1], pads, mode='reflect')
        degraded = degrade_apply(region, draws, params, self.rng, keep=keep, margin=r)
        sharp = region[:, :, r : r + c, r : r + c].astype(np.float32) / 127.5 - 1.0  # [k+1, 3, c, c]
        blurred = degraded.astype(np.float32) / 127.5 - 1.0
        phrase = RGB_PHRASES[self.rng.randint(len(RGB_PHRASES))]
        return sharp, blurred, self._flips(), phrase, (clip.name, f'run@{first}', start), None

    def sample(self, batch: int) -> Batch:
        cleans, degs, neighs, labels, kinds, phrases, sources = [], [], [], [], [], [], []
        owns, own_weights = [], []
        for _ in range(batch):
            is_ct = self.rng.rand() < self.ct_fraction
            # own: the window's target without the reference's own noise and its weight (CT with own_noise only)
            clean, deg, flips, phrase, source, own = self._ct() if is_ct else self._rgb()
            if is_ct:
                clean_t = ct_to_model(torch.from_numpy(clean), self.cfg)
                deg_t = ct_to_model(torch.from_numpy(deg), self.cfg)
            else:
                clean_t, deg_t = torch.from_numpy(clean), torch.from_numpy(deg)
            own_t, own_w = (ct_to_model(torch.from_numpy(own[0]), self.cfg), own[1]) if own else (clean_t, 0.0)
            dims = [d for d, f in zip((2, 3), flips[:2]) if f]
            if dims:
                clean_t, deg_t, own_t = clean_t.flip(dims), deg_t.flip(dims), own_t.flip(dims)
            if flips[2]:
                clean_t, deg_t, own_t = clean_t.flip([0]), deg_t.flip([0]), own_t.flip([0])
            owns.append(own_t[: self.k])
            own_weights.append(own_w)
            cleans.append(clean_t[: self.k])
            degs.append(deg_t[: self.k])
            neighs.append(deg_t[1:])
            labels.append(LABEL_CT_NOISE if is_ct else LABEL_MOTION_BLUR)
            kinds.append(0 if is_ct else 1)
            phrases.append(phrase)
            sources.append(source)
        return Batch(
            torch.stack(cleans),
            torch.stack(degs),
            torch.stack(neighs),
            torch.tensor(labels),
            torch.tensor(kinds),
            phrases,
            sources,
            torch.stack(owns) if self.own_noise else None,
            torch.tensor(own_weights) if self.own_noise else None,
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
