"""DDIM (Song et al. 2021, eq. 12) in plain Python with diffusers ``DDIMScheduler`` config semantics.

Coefficients are computed in float64 Python floats; tensors stay float32.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def scheduler_config() -> dict:
    """The tiny pack's scheduler/scheduler_config.json (diffusers DDIMScheduler keys)."""
    return {
        '_class_name': 'DDIMScheduler',
        'num_train_timesteps': 1000,
        'beta_start': 0.00085,
        'beta_end': 0.012,
        'beta_schedule': 'scaled_linear',
        'prediction_type': 'epsilon',
        'clip_sample': False,
        'set_alpha_to_one': False,
        'steps_offset': 1,
        'timestep_spacing': 'leading',
    }


def alphas_cumprod(config: dict) -> list[float]:
    """scaled_linear: betas = linspace(sqrt(beta_start), sqrt(beta_end), T)**2;
    alpha_bar_t = prod_{s<=t} (1 - beta_s)."""
    if config['beta_schedule'] != 'scaled_linear':
        raise ValueError(f"alphas_cumprod: expected beta_schedule 'scaled_linear', got {config['beta_schedule']!r}")
    n = config['num_train_timesteps']
    lo, hi = math.sqrt(config['beta_start']), math.sqrt(config['beta_end'])
    out: list[float] = []
    prod = 1.0
    for i in range(n):
        beta = (lo + (hi - lo) * i / (n - 1)) ** 2
        prod *= 1.0 - beta
        out.append(prod)
    return out


def ddim_timesteps(config: dict, steps: int) -> list[int]:
    """'leading' spacing: t_i = i * (T // steps) + steps_offset, descending (diffusers set_timesteps)."""
    n = config['num_train_timesteps']
    if config['timestep_spacing'] != 'leading':
        raise ValueError(f"ddim_timesteps: expected timestep_spacing 'leading', got {config['timestep_spacing']!r}")
    if not 1 <= steps <= n:
        raise ValueError(f'ddim_timesteps: expected 1 <= steps <= {n}, got {steps}')
    ratio = n // steps
    return [i * ratio + config['steps_offset'] for i in range(steps)][::-1]


@dataclass(frozen=True)
class DdimCoefficients:
    timestep: int
    prev_timestep: int
    alpha_prod_t: float
    alpha_prod_t_prev: float


def ddim_coefficients(config: dict, acp: list[float], timestep: int, steps: int) -> DdimCoefficients:
    prev = timestep - config['num_train_timesteps'] // steps
    final = 1.0 if config['set_alpha_to_one'] else acp[0]
    return DdimCoefficients(timestep, prev, acp[timestep], acp[prev] if prev >= 0 else final)


def ddim_step(sample, eps, c: DdimCoefficients):  # type: ignore[no-untyped-def]
    """eta = 0, epsilon prediction, no clipping:
    x0 = (x_t - sqrt(1 - a_t) eps) / sqrt(a_t);  x_prev = sqrt(a_prev) x0 + sqrt(1 - a_prev) eps."""
    pred_x0 = (sample - math.sqrt(1.0 - c.alpha_prod_t) * eps) / math.sqrt(c.alpha_prod_t)
    return math.sqrt(c.alpha_prod_t_prev) * pred_x0 + math.sqrt(1.0 - c.alpha_prod_t_prev) * eps
