"""How the simulated added noise compares with the full-dose reference's own noise, band by band.

Why: Noisier2Noise (Moran et al., CVPR 2020) would let a network trained on (reference + added noise -> reference)
pairs estimate the noise-free image, E[x | z] = ((1 + a^2) E[ref | z] - z) / a^2, removing noise below the full-dose
level as the real-series target of issue "Step 12" needs; it holds only where the added noise's covariance is the
reference noise's scaled by a^2. This measures a^2 twice per realisation, in soft tissue (-150..200 HU, eroded 3 px) of
10 spread slices: over the whole band (variance in the quietest quarter of the 16x16 ROIs with a mean of 0..100 HU;
anatomy there inflates the reference's figure, so it is a lower bound of a^2) and at the highest frequencies (the
3x3 noise-estimation kernel of Immerkaer 1996, median absolute response; the reference's band also from
differences of adjacent slices, which cancel the anatomy they share), and prints them with 1/d - 1, the ratio of a
quantum-limited acquisition. Where the two differ the textures differ, and the Noisier2Noise correction does not hold.

    /usr/bin/python3 models/training/noise_bands.py --data .cache/training acrin-heldout abdomen lidc
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gsdiff.data import load_ct  # noqa: E402
from gsdiff.hf_noise import high_band_sd, kernel_response, tissue_mask  # noqa: E402

ROI = 16


def quiet_rois(clean: np.ndarray) -> list[tuple[int, int]]:
    out = []
    for y in range(0, clean.shape[0] - ROI, ROI):
        for x in range(0, clean.shape[1] - ROI, ROI):
            p = clean[y : y + ROI, x : x + ROI]
            if 0 <= p.mean() <= 100:
                out.append((float(p.std()), y, x))
    out.sort()
    return [(y, x) for _, y, x in out[: max(1, len(out) // 4)]]


def measure(realisation) -> dict:  # type: ignore[no-untyped-def]
    n = realisation.clean.shape[0]
    hp_ref, hp_add, hp_diff, var_ref, var_add = [], [], [], [], []
    for i in np.linspace(0, n - 1, 10).astype(int):
        clean = np.asarray(realisation.clean[i], np.float32)
        added = np.asarray(realisation.noisy[i], np.float32) - clean
        mask = tissue_mask(clean)
        if int(mask.sum()) < 500:
            continue
        hp_ref.append(kernel_response(clean, mask))
        hp_add.append(kernel_response(added, mask))
        if i + 1 < n:  # the next slice's difference cancels the anatomy two slices share
            following = np.asarray(realisation.clean[i + 1], np.float32)
            both = mask & tissue_mask(following)
            hp_diff.append(kernel_response((following - clean) / np.sqrt(2), both))
        for y, x in quiet_rois(clean):
            var_ref.append(float(clean[y : y + ROI, x : x + ROI].var()))
            var_add.append(float(added[y : y + ROI, x : x + ROI].var()))
    sd_hp_ref, sd_hp_add = high_band_sd(hp_ref), high_band_sd(hp_add)
    d = realisation.params['doseFraction']
    return {
        'id': realisation.id,
        'dose': round(d, 3),
        'sharpness': round(realisation.params.get('sharpness', 1.0), 2),
        'a2_whole_band_lower_bound': round(float(np.mean(var_add) / np.mean(var_ref)), 2),
        'a2_high_band': round((sd_hp_add / sd_hp_ref) ** 2, 2),
        # the reference's own top band from slice differences (anatomy cancelled; overlapping slices lower it further)
        'a2_high_band_slice_diff': round((sd_hp_add / high_band_sd(hp_diff)) ** 2, 2),
        'a2_quantum': round(1 / d - 1, 2),
        'sd_roi_ref_hu': round(float(np.mean(var_ref)) ** 0.5, 1),
        'sd_roi_added_hu': round(float(np.mean(var_add)) ** 0.5, 1),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--data', type=Path, default=Path('.cache/training'))
    p.add_argument('series', nargs='+', help='ct/ folder names under --data')
    args = p.parse_args()
    for name in args.series:
        for r in load_ct(args.data / 'ct' / name).realisations:
            print(json.dumps({'series': name, **measure(r)}), flush=True)


if __name__ == '__main__':
    main()
