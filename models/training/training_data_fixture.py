#!/usr/bin/python3
"""A tiny synthetic training-data folder in format 2 (gsdiff/data.py), and a check of how data.py reads and samples
it; the training smoke test (test/models/trainingSmoke.test.ts) runs both and asserts on the check's JSON.

    /usr/bin/python3 models/training/training_data_fixture.py write --out DIR [--name fixture2]
    /usr/bin/python3 models/training/training_data_fixture.py check --data DIR --names head,fixture2 [--windows 3000]

``write`` makes ``DIR/ct/<name>/``: 64x64 slices of a smooth soft-tissue pattern (no air) whose slice s adds 10 s HU,
and three realisations: r00 (dose 0.25) and r01 (dose 0.5) share one clean file of 6 thin slices; r02 is a 2-slice
slab (4 slices of 2.5 mm, clean = the mean of two thin slices) with its own clean file. Each noisy volume is its
clean one plus Gaussian noise plus a constant offset per realisation (``fixtureOffsetHu``: 30, 60, 90 HU), so a
window's mean noisy - clean names the realisation it came from. Deterministic (numpy RandomState(20261207)).

``check`` loads the named series with ``load_folder``, draws windows of 3 slices (32x32 crops) with ``WindowSampler``
and prints JSON: each series' format and realisations; the share of windows drawn from each realisation; for the
fixture's windows, how many mixed realisations, took noisy from elsewhere than clean, disagree with the realisation
the sampler reports, or are not consecutive slices; ``realisation_params`` of r02 (by id) and r00 (by index); which
realisations windows of 4 slices leave out and draw; and the messages of the DataErrors raised by broken copies of
the fixture (truncated volume, a shared clean file named with two slice counts, a realisation without files, an
unknown format) and by 9-slice windows, longer than every realisation.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsdiff.config import GSDIFF_S  # noqa: E402
from gsdiff.data import DataError, WindowSampler, load_ct, load_folder, realisation_params  # noqa: E402

SIZE = 64
SEED = 20261207
SLICE_STEP_HU = 10
CT_SCALE_HU = (GSDIFF_S.ct_high_hu - GSDIFF_S.ct_low_hu) / 2  # model units -> HU


def _pattern() -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    return 60.0 + 40.0 * np.sin(x / 5.0) * np.cos(y / 7.0) + 120.0 * (((y - 30) ** 2 + (x - 36) ** 2) < 100)


def _realisation(rid: str, n: int, clean: str, dose: float, slab: int, offset: int, seed: int) -> dict:
    return {
        'id': rid,
        'slices': n,
        'files': {'clean': clean, 'noisy': f'{rid}.noisy.i16'},
        'doseFraction': dose,
        'thicknessSlices': slab,
        'sliceThicknessMm': 1.25 * slab,
        'kernel': {'window': 'hann', 'cutoff': 0.8},
        'electronicNoiseVariance': 10,
        'incidentPhotons': 1.2e5,
        'seed': seed,
        'fixtureOffsetHu': offset,
    }


def write(root: Path, name: str) -> Path:
    folder = root / 'ct' / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    rng = np.random.RandomState(SEED)
    thin = np.stack([_pattern() + SLICE_STEP_HU * s for s in range(8)]).round()  # [8, H, W] HU, integers
    cleans = {'r00.clean.i16': thin[:6], 'r02.clean.i16': (thin[0::2] + thin[1::2]) / 2}  # r02: 2-slice slabs
    reals = [
        _realisation('r00', 6, 'r00.clean.i16', 0.25, 1, 30, 101),
        _realisation('r01', 6, 'r00.clean.i16', 0.5, 1, 60, 102),
        _realisation('r02', 4, 'r02.clean.i16', 0.25, 2, 90, 103),
    ]
    for file, vol in cleans.items():
        vol.astype('<i2').tofile(folder / file)
    for r in reals:
        clean = cleans[r['files']['clean']]
        sigma = 10.0 / np.sqrt(r['doseFraction'] * r['thicknessSlices'])
        noisy = clean + r['fixtureOffsetHu'] + sigma * rng.standard_normal(clean.shape)
        noisy.round().astype('<i2').tofile(folder / r['files']['noisy'])
    meta = {
        'format': 2,
        'kind': 'ct',
        'name': name,
        'sources': ['models/training/training_data_fixture.py'],
        'seriesInstanceUid': '2.25.20261207',
        'width': SIZE,
        'height': SIZE,
        'pixelSpacingMm': 0.7,
        'dtype': 'int16-le',
        'units': 'HU',
        'seed': SEED,
        'ownNoise': {'note': 'synthetic fixture: noise-free clean volumes'},
        'realisations': reals,
    }
    (folder / 'meta.json').write_text(json.dumps(meta, indent=1) + '\n')
    return folder


def _broken(folder: Path, edit) -> str:  # type: ignore[no-untyped-def]
    """The DataError message of loading a copy of ``folder`` after ``edit(copy, meta)`` (meta is rewritten)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / folder.name
        shutil.copytree(folder, copy)
        meta = json.loads((copy / 'meta.json').read_text())
        edit(copy, meta)
        (copy / 'meta.json').write_text(json.dumps(meta))
        try:
            load_ct(copy)
        except DataError as e:
            return str(e).replace(str(copy), '<fixture>')
    return 'no error'


def _truncate(copy: Path, meta: dict) -> None:
    path = copy / 'r01.noisy.i16'
    path.write_bytes(path.read_bytes()[:-2])


def check(root: Path, names: list[str], windows: int) -> dict:
    cts, clips = load_folder(root, names)
    cfg = replace(GSDIFF_S, grid_rows=1, grid_cols=3)  # windows of 3 slices (4 read: the L_con neighbour)
    sampler = WindowSampler(cts, clips, cfg, np.random.RandomState(1), ct_fraction=1.0, crop=32)
    fixture = next(s for s in cts if s.name == names[-1])
    offsets = {r.id: realisation_params(fixture, r.id).get('fixtureOffsetHu') for r in fixture.realisations}
    counts: Counter[str] = Counter()
    own = {'windows': 0, 'mixed': 0, 'misaligned': 0, 'wrongRealisation': 0, 'notConsecutive': 0}
    drawn = 0
    while drawn < windows:
        b = sampler.sample(min(50, windows - drawn))
        drawn += len(b.sources)
        for i, (series, rid, _start) in enumerate(b.sources):
            counts[f'{series}/{rid}'] += 1
            if series != fixture.name:
                continue
            own['windows'] += 1
            # per slice, over the crop and the 3 equal channels, in HU
            diff = ((b.degraded[i] - b.clean[i]).mean(dim=(1, 2, 3)) * CT_SCALE_HU).numpy()
            named = [min(offsets, key=lambda k: abs(offsets[k] - d)) for d in diff]
            if len(set(named)) > 1:
                own['mixed'] += 1
            elif max(abs(d - offsets[n]) for d, n in zip(diff, named)) > 5:  # noisy crop not the clean one's
                own['misaligned'] += 1
            elif named[0] != rid:
                own['wrongRealisation'] += 1
            steps = np.diff((b.clean[i].mean(dim=(1, 2, 3)) * CT_SCALE_HU).numpy())
            if np.abs(steps - steps[0]).max() > 1e-2 or abs(steps[0]) < SLICE_STEP_HU / 2:
                own['notConsecutive'] += 1
    # windows of 4 slices read 5: r02 (4 slices) is left out, r00 and r01 share the fixture's half
    long = WindowSampler([fixture], [], replace(cfg, grid_cols=4), np.random.RandomState(2), crop=32)
    drawn4 = Counter(rid for _, rid, _ in long.sample(200).sources)
    folder = root / 'ct' / fixture.name
    try:
        WindowSampler([fixture], [], replace(cfg, grid_rows=3, grid_cols=3), np.random.RandomState(3), crop=32)
        too_short = 'no error'
    except DataError as e:
        too_short = str(e)
    errors = {
        'truncated': _broken(folder, _truncate),
        'sharedClean': _broken(folder, lambda c, m: m['realisations'][1].update(slices=5)),
        'missingFiles': _broken(folder, lambda c, m: m['realisations'][2].pop('files')),
        'format': _broken(folder, lambda c, m: m.update(format=3)),
        'tooShort': too_short,
    }
    return {
        'series': {
            s.name: {
                'format': s.format,
                'realisations': [{'id': r.id, 'slices': int(r.clean.shape[0])} for r in s.realisations],
            }
            for s in cts
        },
        'windows': drawn,
        'share': {k: round(v / drawn, 4) for k, v in sorted(counts.items())},
        'fixture': own,
        'params': realisation_params(fixture, 'r02'),
        'paramsByIndex': realisation_params(fixture, 0),
        'longWindows': {'skipped': long.skipped, 'drawn': dict(sorted(drawn4.items()))},
        'errors': errors,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='command', required=True)
    w = sub.add_parser('write')
    w.add_argument('--out', type=Path, required=True)
    w.add_argument('--name', default='fixture2')
    c = sub.add_parser('check')
    c.add_argument('--data', type=Path, required=True)
    c.add_argument('--names', required=True, help='comma-separated ct/ folder names; the last one is the fixture')
    c.add_argument('--windows', type=int, default=3000)
    args = p.parse_args()
    if args.command == 'write':
        print(f'fixture: {write(args.out, args.name)}')
    else:
        print(json.dumps(check(args.data, [n for n in args.names.split(',') if n], args.windows), indent=1))


if __name__ == '__main__':
    main()
