"""Value mapping (models/README.md "Value mapping"), CLIP preprocessing and grid splicing, on torch tensors."""

from __future__ import annotations

import torch

from .clip import CLIP_MEAN, CLIP_STD

CT_LOW_HU = -1024.0
CT_HIGH_HU = 3071.0


def ct_to_model(hu: torch.Tensor) -> torch.Tensor:
    """[..., H, W] HU -> [..., 3, H, W]: x = 2 (HU - low) / (high - low) - 1, clamped to [-1, 1] (the HU window;
    pixels outside it are passed through at output), replicated to 3 channels."""
    x = 2.0 * (hu - CT_LOW_HU) / (CT_HIGH_HU - CT_LOW_HU) - 1.0
    return x.clamp(-1.0, 1.0).unsqueeze(-3).expand(*hu.shape[:-2], 3, *hu.shape[-2:]).contiguous()


def ct_from_model(hu_in: torch.Tensor, v_d: torch.Tensor, v_r: torch.Tensor) -> torch.Tensor:
    """Delta rule: HU_out = HU_in + (mean_c(V_r) - mean_c(V_d)) (high - low) / 2; outside the window HU_in is kept.
    Unrounded (rounding goes through the source rescale, which the runtime owns)."""
    delta = (v_r.mean(dim=-3) - v_d.mean(dim=-3)) * ((CT_HIGH_HU - CT_LOW_HU) / 2.0)
    inside = (hu_in >= CT_LOW_HU) & (hu_in <= CT_HIGH_HU)
    return torch.where(inside, hu_in + delta, hu_in)


def clip_normalise(x: torch.Tensor) -> torch.Tensor:
    """Model range [-1, 1] -> CLIP pixel_values: ((x + 1) / 2 - mean_c) / std_c."""
    mean = torch.tensor(CLIP_MEAN, dtype=x.dtype).reshape(3, 1, 1)
    std = torch.tensor(CLIP_STD, dtype=x.dtype).reshape(3, 1, 1)
    return ((x + 1.0) * 0.5 - mean) / std


def splice(frames: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """[k, C, H, W] -> [C, rows*H, cols*W]; cell (i, j) holds frame t = i*cols + j (0-based)."""
    k, c, h, w = frames.shape
    if k != rows * cols:
        raise ValueError(f'splice: expected {rows * cols} frames, got {k}')
    return frames.reshape(rows, cols, c, h, w).permute(2, 0, 3, 1, 4).reshape(c, rows * h, cols * w)


def unsplice(grid: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """Inverse of :func:`splice`: [C, rows*H, cols*W] -> [k, C, H, W]."""
    c, gh, gw = grid.shape
    h, w = gh // rows, gw // cols
    return grid.reshape(c, rows, h, cols, w).permute(1, 3, 0, 2, 4).reshape(rows * cols, c, h, w)
