"""Tiny SD-style VAE (AutoencoderKL layout): downscale factor 2**(len(channels)-1), mid-block self-attention.

ONNX I/O (models/README.md): ``vae_encoder``: ``sample`` [B,3,H,W] -> ``latent_sample`` [B,C,H/f,W/f] (the
posterior mean, unscaled); ``vae_decoder``: ``latent_sample`` [B,C,h,w] (already divided by scaling_factor) ->
``sample`` [B,3,h*f,w*f]. The encoder returns the mean rather than a sample, so exports are deterministic.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .layers import Downsample, ResnetBlock, SpatialSelfAttention, Upsample, group_norm


class MidBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.resnet_1 = ResnetBlock(channels, channels, None)
        self.attention = SpatialSelfAttention(channels)
        self.resnet_2 = ResnetBlock(channels, channels, None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.resnet_2(self.attention(self.resnet_1(x)))


class VaeEncoder(nn.Module):
    def __init__(self, channels: tuple[int, ...], latent_channels: int) -> None:
        super().__init__()
        self.latent_channels = latent_channels
        self.conv_in = nn.Conv2d(3, channels[0], 3, padding=1)
        levels = []
        prev = channels[0]
        for i, ch in enumerate(channels):
            level = nn.Module()
            level.resnet = ResnetBlock(prev, ch, None)
            level.downsample = Downsample(ch, asymmetric_pad=True) if i < len(channels) - 1 else None
            levels.append(level)
            prev = ch
        self.down = nn.ModuleList(levels)
        self.mid = MidBlock(prev)
        self.norm_out = group_norm(prev)
        self.conv_out = nn.Conv2d(prev, 2 * latent_channels, 3, padding=1)
        self.quant_conv = nn.Conv2d(2 * latent_channels, 2 * latent_channels, 1)

    def forward(self, sample: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(sample)
        for level in self.down:
            h = level.resnet(h)
            if level.downsample is not None:
                h = level.downsample(h)
        h = self.conv_out(F.silu(self.norm_out(self.mid(h))))
        moments = self.quant_conv(h)
        return moments[:, : self.latent_channels]  # posterior mean; [:, C:] would be the log-variance


class VaeDecoder(nn.Module):
    def __init__(self, channels: tuple[int, ...], latent_channels: int) -> None:
        super().__init__()
        rev = list(reversed(channels))
        self.post_quant_conv = nn.Conv2d(latent_channels, latent_channels, 1)
        self.conv_in = nn.Conv2d(latent_channels, rev[0], 3, padding=1)
        self.mid = MidBlock(rev[0])
        levels = []
        prev = rev[0]
        for i, ch in enumerate(rev):
            level = nn.Module()
            level.resnet = ResnetBlock(prev, ch, None)
            level.upsample = Upsample(ch) if i < len(rev) - 1 else None
            levels.append(level)
            prev = ch
        self.up = nn.ModuleList(levels)
        self.norm_out = group_norm(prev)
        self.conv_out = nn.Conv2d(prev, 3, 3, padding=1)

    def forward(self, latent_sample: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(self.post_quant_conv(latent_sample)))
        for level in self.up:
            h = level.resnet(h)
            if level.upsample is not None:
                h = level.upsample(h)
        return self.conv_out(F.silu(self.norm_out(h)))
