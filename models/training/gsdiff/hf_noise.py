"""The highest-frequency band of CT noise, measured and topped up (``train.py --hf-noise``).

Why (docs/RESULTS.md, Step 12 session 3, ``noise_bands.py``): the projection-domain simulation matches a series' noise
power spectrum as a whole (Wasserstein-1 over the radial NPS), yet its added noise carries about half the power of the
series' own noise in the top band (the 3x3 kernel of Immerkaer 1996: added-to-own variance ratio 1.6 against 3.0 over
the whole band at 25 % dose on the ACRIN slab; more so where a realisation's kernel is smoother). A network trained on it
learns that top-band texture belongs to the reference, and leaves it in a real low-dose scan. The top-up adds
pixel-independent Gaussian noise to the training input, SD u * scale * (the realisation's added top-band SD), u
uniform in [0, 1) per window: a randomised amount from none to about doubling that band's power, the target untouched.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

IMMERKAER = torch.tensor([[1.0, -2.0, 1.0], [-2.0, 4.0, -2.0], [1.0, -2.0, 1.0]])[None, None]


def tissue_mask(clean: np.ndarray, erode: int = 3) -> torch.Tensor:
    """Soft tissue (-150..200 HU) eroded by ``erode`` pixels, so no edge of the mask falls under the kernel."""
    tissue = torch.from_numpy((clean > -150) & (clean < 200)).float()[None, None]
    return (-F.max_pool2d(-tissue, 2 * erode + 1, 1, erode))[0, 0] > 0.5


def kernel_response(img: np.ndarray, mask: torch.Tensor) -> torch.Tensor:
    """|img * kernel| in ``mask``; its median / 0.6745 / 6 is the SD of white noise, robust to edges."""
    return F.conv2d(torch.from_numpy(img)[None, None], IMMERKAER, padding=1)[0, 0].abs()[mask]


def high_band_sd(responses: list[torch.Tensor]) -> float:
    return float(torch.cat(responses).median()) / 0.6745 / 6 if responses else 0.0


def added_high_band_sd(clean: np.ndarray, noisy: np.ndarray, slices: int = 10) -> float:
    """The top-band SD (HU) of a realisation's added noise (noisy - clean) in soft tissue of ``slices`` spread slices."""
    out = []
    for i in np.linspace(0, clean.shape[0] - 1, min(slices, clean.shape[0])).astype(int):
        c = np.asarray(clean[i], np.float32)
        mask = tissue_mask(c)
        if int(mask.sum()) >= 500:
            out.append(kernel_response(np.asarray(noisy[i], np.float32) - c, mask))
    return high_band_sd(out)
