"""Capsule degradation: random-trajectory motion blur + sensor noise, then 8-bit quantisation.

Trajectory (after Boracchi & Foi 2012, simplified): a random walk with inertia of ``steps`` sub-pixel moves, its
length drawn per frame (1-8 px), rasterised bilinearly into a 15x15 kernel that sums to 1. Each frame gets its own
trajectory (a capsule tumbles frame to frame). Noise: Gaussian read noise sigma_r in [1, 4] levels plus signal-
dependent shot noise with variance gain * v (gain in [0, 0.05] levels), then rounding to whole 8-bit levels.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

KERNEL = 15


def trajectory_kernel(rng: np.random.RandomState, length: float, steps: int = 64) -> np.ndarray:
    pos = np.zeros(2)
    vel = rng.standard_normal(2)
    vel /= np.linalg.norm(vel) + 1e-9
    pts = [pos.copy()]
    for _ in range(steps):
        vel = 0.8 * vel + 0.4 * rng.standard_normal(2)
        vel /= np.linalg.norm(vel) + 1e-9
        pos = pos + vel
        pts.append(pos.copy())
    path = np.array(pts)
    total = np.sum(np.linalg.norm(np.diff(path, axis=0), axis=1))
    path = (path - path.mean(axis=0)) * (length / max(total, 1e-9)) * (steps / 8.0) ** 0.5
    path = np.clip(path, -(KERNEL // 2) + 0.01, KERNEL // 2 - 0.01)
    k = np.zeros((KERNEL, KERNEL))
    for y, x in path + KERNEL // 2:
        y0, x0 = int(np.floor(y)), int(np.floor(x))
        fy, fx = y - y0, x - x0
        k[y0, x0] += (1 - fy) * (1 - fx)
        k[y0 + 1, x0] += fy * (1 - fx)
        k[y0, x0 + 1] += (1 - fy) * fx
        k[y0 + 1, x0 + 1] += fy * fx
    return k / k.sum()


def degrade_capsule(frames: np.ndarray, rng: np.random.RandomState) -> np.ndarray:
    """frames [k, 3, H, W] in [-1, 1] -> blurred, noisy, quantised frames of the same shape (reflect-padded edges)."""
    k, c, h, w = frames.shape
    x = torch.from_numpy(np.ascontiguousarray((frames + 1.0) * 127.5, dtype=np.float32))
    kernels = np.stack([trajectory_kernel(rng, rng.uniform(1.0, 8.0)) for _ in range(k)]).astype(np.float32)
    weight = torch.from_numpy(kernels)[:, None].repeat_interleave(c, dim=0)  # [k*3, 1, K, K]
    padded = F.pad(x.reshape(1, k * c, h, w), (KERNEL // 2,) * 4, mode='reflect')
    blurred = F.conv2d(padded, weight, groups=k * c).reshape(k, c, h, w).numpy()
    read = rng.uniform(1.0, 4.0)
    gain = rng.uniform(0.0, 0.05)
    sd = np.sqrt(read**2 + gain * np.clip(blurred, 0, None))
    noisy = np.clip(np.round(blurred + sd * rng.standard_normal(blurred.shape)), 0, 255)
    return (noisy / 127.5 - 1.0).astype(np.float32)
