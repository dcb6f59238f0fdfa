"""A target without the reference's own noise (``train.py --own-noise``): Recorrupted-to-Recorrupted for CT pairs.

Why (docs/RESULTS.md, Step 12 session 3): our references are real scans with their own noise n, and the training input
is z = y + s, the reference y = x + n plus the simulated added noise s. Trained on (z -> y), a network learns E[y | z]:
it removes s and keeps n, so on a real low-dose scan, whose noise looks like a reference's, it removes little.

Pang et al. 2021 (Recorrupted-to-Recorrupted) give a target whose noise is independent of the input's: t = y - G s with
G = Cov(n) Cov(s)^-1. Then Cov(n + s, n - G s) = Cov(n) - G Cov(s) = 0, so for Gaussian noise E[t | z] = E[x | z], the
clean image, although no clean image exists. Its noise, Cov(n) + G Cov(n), is at most twice the reference's when G
<= 1, so the target is only used where the added noise is at least the reference's own (dose fraction <= 1/2) and G is
capped (1 below the top band, 2 in it); windows of higher-dose realisations get weight 0 (no target below their own
noise can be made from them). Where the cap bites, the target keeps part of the own noise (a partial correction).

G per frequency band, in two bands (the split is the 3x3 binomial high-pass, HP = s - B s):
- below the top band: the simulation scales the series' own noise spectrum (fitted as a whole, validation/noise) by
  the quantum ratio 1/d - 1, so G = d / (1 - d) there (d the realisation's dose fraction);
- the top band, where the simulation falls short of the series' own noise (noise_bands.py): G = (own HP variance) /
  (added HP variance), both measured: the added from the window's s itself (which includes any --hf-noise top-up), the
  own from the reference's HP response in soft tissue, robustly (median absolute value; anatomy is sparse in it).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .hf_noise import tissue_mask

BINOMIAL = (torch.tensor([1.0, 2.0, 1.0])[:, None] * torch.tensor([1.0, 2.0, 1.0])[None, :] / 16.0)[None, None]
MAX_DOSE = 0.5  # above it the added noise is weaker than the reference's own: no usable target (see above)
MAX_G_HIGH = 2.0  # the top band may take a noisier target (3x the own variance there) to correct more of it
MAD_TO_SD = 1 / 0.6745


def high_pass(img: torch.Tensor) -> torch.Tensor:
    """[N, H, W] -> s - B s, reflected at the borders."""
    x = img[:, None]
    return (x - F.conv2d(F.pad(x, (1, 1, 1, 1), mode='reflect'), BINOMIAL))[:, 0]


def own_high_pass_var(clean: np.ndarray, slices: int = 12) -> float:
    """The reference's own noise variance after the high-pass (HU^2), from soft tissue of ``slices`` spread slices."""
    out = []
    for i in np.linspace(0, clean.shape[0] - 1, min(slices, clean.shape[0])).astype(int):
        c = np.asarray(clean[i], np.float32)
        mask = tissue_mask(c)
        if int(mask.sum()) >= 500:
            out.append(high_pass(torch.from_numpy(c)[None])[0].abs()[mask])
    if not out:
        return 0.0
    return float((torch.cat(out).median() * MAD_TO_SD) ** 2)


def recorrupted_target(clean: np.ndarray, noisy: np.ndarray, dose: float, own_hp_var: float) -> tuple[np.ndarray, float]:
    """The window's target t = y - G s in HU (same shape as ``clean``) and its weight (0: no target, see above)."""
    if not 0 < dose <= MAX_DOSE or own_hp_var <= 0:
        return clean.astype(np.float32), 0.0
    s = torch.from_numpy(np.asarray(noisy, np.float32) - np.asarray(clean, np.float32))
    hp = high_pass(s)
    added_hp_var = float(hp.pow(2).mean())
    g_low = min(1.0, dose / (1.0 - dose))
    g_high = min(MAX_G_HIGH, own_hp_var / added_hp_var) if added_hp_var > 0 else g_low
    b = g_low * s + (g_high - g_low) * hp
    return (torch.from_numpy(np.asarray(clean, np.float32)) - b).numpy(), 1.0
