"""DnCNN baseline (Zhang et al., "Beyond a Gaussian Denoiser: Residual Learning of Deep CNN for Image Denoising",
IEEE TIP 2017): a plain stack of 3x3 convolutions (zero padding 1) with ReLU between, trained by residual learning:
the network predicts the noise and ``restored = frames - noise``.

Ours: 8 layers x 48 channels by default (the paper: 17 x 64 with BatchNorm), the quick baseline floor of the
comparison tables; its receptive field is 2 * depth + 1 = 17 pixels. BatchNorm is optional and off by default
(``batch_norm=True`` puts it after the middle convs as the paper does; ``fold_batch_norm`` folds it into the convs
for export), so the exported graph is convs + ReLU only. The last conv starts at zero: an untrained net is the
identity.

I/O is the ``denoiser`` of a ``DenoiserPipeline`` pack, exactly as ``redcnn.RedCnn``: ``frames`` [B, 3, H, W] in
model range -> ``restored`` [B, 3, H, W]. With ``channels=1`` (CT: its three model-range channels are copies of one
grey value, models/README.md "Value mapping") the net sees the channel mean and its one noise map is subtracted from
all three channels; with ``channels=3`` (colour) it works on the three channels.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .ema import averaged_weights

DEPTH, WIDTH = 8, 48


class DnCnn(nn.Module):
    def __init__(self, depth: int = DEPTH, width: int = WIDTH, channels: int = 1, batch_norm: bool = False) -> None:
        super().__init__()
        if depth < 2 or width < 1 or channels not in (1, 3):
            raise ValueError(
                f'DnCnn: expected depth >= 2, width >= 1, channels 1 or 3, got {depth}, {width}, {channels}'
            )
        self.depth, self.width, self.channels, self.batch_norm = depth, width, channels, batch_norm
        sizes = [channels] + [width] * (depth - 1) + [channels]
        # the paper: bias-free convs before BatchNorm (BN's shift is the bias)
        self.convs = nn.ModuleList(
            [nn.Conv2d(sizes[i], sizes[i + 1], 3, padding=1, bias=not (batch_norm and 0 < i < depth - 1))
             for i in range(depth)]
        )  # fmt: skip
        self.norms = nn.ModuleList([nn.BatchNorm2d(width) for _ in range(depth - 2)]) if batch_norm else None

    def arch(self) -> dict[str, object]:
        """What rebuilds this module (stored in checkpoints and the pack's provenance)."""
        return {'depth': self.depth, 'width': self.width, 'channels': self.channels, 'batch_norm': self.batch_norm}

    def noise(self, frames: torch.Tensor) -> torch.Tensor:
        """The predicted noise: [B, channels, H, W]."""
        x = frames.mean(dim=1, keepdim=True) if self.channels == 1 else frames
        for i, conv in enumerate(self.convs):
            x = conv(x)
            if i == len(self.convs) - 1:
                break
            if self.norms is not None and i > 0:
                x = self.norms[i - 1](x)
            x = F.relu(x)
        return x

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return frames - self.noise(frames)  # one noise map broadcast over the 3 channels when channels == 1


def init_weights(model: DnCnn, rng: np.random.RandomState) -> DnCnn:
    """He-normal weights (as the paper) from ``rng`` in ``named_parameters`` order (identical on torch 1.13 and 2.x),
    zero biases, BatchNorm at (1, 0), and the last conv at zero: the untrained net is the identity."""
    last = f'convs.{model.depth - 1}.'
    for name, p in model.named_parameters():
        if name.startswith('norms.'):
            values = np.ones(p.shape) if name.endswith('weight') else np.zeros(p.shape)
        elif name.endswith('bias') or name.startswith(last):
            values = np.zeros(p.shape)
        else:
            values = rng.standard_normal(tuple(p.shape)) * math.sqrt(2.0 / int(np.prod(p.shape[1:])))
        with torch.no_grad():
            p.copy_(torch.from_numpy(values.astype(np.float32)))
    return model


def fold_batch_norm(model: DnCnn) -> DnCnn:
    """The same function without BatchNorm: each BN (running statistics, i.e. eval mode) folded into the conv before
    it, w' = w g / sqrt(v + eps), b' = (b - m) g / sqrt(v + eps) + beta. A model without BN is returned as is."""
    if model.norms is None:
        return model
    plain = DnCnn(model.depth, model.width, model.channels, batch_norm=False)
    with torch.no_grad():
        for i, (src, dst) in enumerate(zip(model.convs, plain.convs)):
            bias = src.bias if src.bias is not None else torch.zeros(src.out_channels)
            if 0 < i < model.depth - 1:
                bn = model.norms[i - 1]
                scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
                dst.weight.copy_(src.weight * scale.reshape(-1, 1, 1, 1))
                dst.bias.copy_((bias - bn.running_mean) * scale + bn.bias)
            else:
                dst.weight.copy_(src.weight)
                dst.bias.copy_(bias)
    return plain.eval()


def from_checkpoint(state: dict) -> DnCnn:
    """The trained module of a ``train.py --stage dncnn`` checkpoint (architecture from its ``extra.arch``), in eval
    mode."""
    arch = state['extra']['arch']
    model = DnCnn(arch['depth'], arch['width'], arch['channels'], arch['batch_norm'])
    model.load_state_dict(averaged_weights(state, 'denoiser'))
    return model.eval()
