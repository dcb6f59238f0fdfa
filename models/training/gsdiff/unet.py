"""Tiny conditional U-Net in the diffusers ``UNet2DConditionModel`` layout, with ControlNet-style residual inputs.

Down blocks: CrossAttnDownBlock2D, CrossAttnDownBlock2D, DownBlock2D (SD 1.x has three cross-attention levels and
a fourth plain one; the tiny model has one cross-attention level fewer). Each down block has ``layers_per_block``
resnets (each followed by a Transformer2D in cross-attention blocks) and a stride-2 downsampler except the last.
Mid block: resnet, Transformer2D (self-attention over the whole latent grid + cross-attention), resnet.

Skip features are collected exactly as diffusers does: conv_in output, then every resnet(+attention) output, then
every downsampler output, in order. ``down_block_additional_residual_i`` is added to skip feature i and
``mid_block_additional_residual`` to the mid-block output (diffusers ``down_block_additional_residuals`` /
``mid_block_additional_residual``). With the tiny config N = 1 + 2 * 1 + 2 * 1 + 1 = 6.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .layers import Downsample, ResnetBlock, TimestepEmbedding, Transformer2D, Upsample, group_norm


class DownBlock(nn.Module):
    def __init__(
        self, in_ch: int, out_ch: int, temb: int, layers: int, attn: bool, downsample: bool, heads: int, ctx: int
    ) -> None:
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock(in_ch if i == 0 else out_ch, out_ch, temb) for i in range(layers)])
        self.attentions = nn.ModuleList([Transformer2D(out_ch, heads, ctx) for _ in range(layers)]) if attn else None
        self.downsampler = Downsample(out_ch) if downsample else None

    def forward(
        self, x: torch.Tensor, temb: torch.Tensor, context: torch.Tensor
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        skips = []
        for i, resnet in enumerate(self.resnets):
            x = resnet(x, temb)
            if self.attentions is not None:
                x = self.attentions[i](x, context)
            skips.append(x)
        if self.downsampler is not None:
            x = self.downsampler(x)
            skips.append(x)
        return x, skips


class UpBlock(nn.Module):
    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        prev_out_ch: int,
        temb: int,
        layers: int,
        attn: bool,
        upsample: bool,
        heads: int,
        ctx: int,
    ) -> None:
        super().__init__()
        resnets = []
        for i in range(layers):
            skip_ch = in_ch if i == layers - 1 else out_ch
            res_in = prev_out_ch if i == 0 else out_ch
            resnets.append(ResnetBlock(res_in + skip_ch, out_ch, temb))
        self.resnets = nn.ModuleList(resnets)
        self.attentions = nn.ModuleList([Transformer2D(out_ch, heads, ctx) for _ in range(layers)]) if attn else None
        self.upsampler = Upsample(out_ch) if upsample else None

    def forward(
        self, x: torch.Tensor, skips: list[torch.Tensor], temb: torch.Tensor, context: torch.Tensor
    ) -> torch.Tensor:
        for i, resnet in enumerate(self.resnets):
            x = resnet(torch.cat([x, skips.pop()], dim=1), temb)
            if self.attentions is not None:
                x = self.attentions[i](x, context)
        if self.upsampler is not None:
            x = self.upsampler(x)
        return x


class MidBlockCrossAttn(nn.Module):
    def __init__(self, ch: int, temb: int, heads: int, ctx: int) -> None:
        super().__init__()
        self.resnet_1 = ResnetBlock(ch, ch, temb)
        self.attention = Transformer2D(ch, heads, ctx)
        self.resnet_2 = ResnetBlock(ch, ch, temb)

    def forward(self, x: torch.Tensor, temb: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        return self.resnet_2(self.attention(self.resnet_1(x, temb), context), temb)


class UNet(nn.Module):
    def __init__(
        self, latent_channels: int, channels: tuple[int, ...], layers_per_block: int, heads: int, context_dim: int
    ) -> None:
        super().__init__()
        c0 = channels[0]
        temb = 4 * c0
        self.conv_in = nn.Conv2d(latent_channels, c0, 3, padding=1)
        self.time_embedding = TimestepEmbedding(c0, temb)
        n = len(channels)
        attn_levels = [i < n - 1 for i in range(n)]  # all but the deepest level have cross-attention
        self.down_blocks = nn.ModuleList()
        prev = c0
        for i, ch in enumerate(channels):
            self.down_blocks.append(
                DownBlock(prev, ch, temb, layers_per_block, attn_levels[i], i < n - 1, heads, context_dim)
            )
            prev = ch
        self.mid_block = MidBlockCrossAttn(channels[-1], temb, heads, context_dim)
        rev = list(reversed(channels))
        rev_attn = list(reversed(attn_levels))
        self.up_blocks = nn.ModuleList()
        out_ch = rev[0]
        for i in range(n):
            prev_out = out_ch
            out_ch = rev[i]
            in_ch = rev[min(i + 1, n - 1)]
            self.up_blocks.append(
                UpBlock(in_ch, out_ch, prev_out, temb, layers_per_block + 1, rev_attn[i], i < n - 1, heads, context_dim)
            )
        self.conv_norm_out = group_norm(c0)
        self.conv_out = nn.Conv2d(c0, latent_channels, 3, padding=1)

    def residual_channels(self) -> list[int]:
        """Channels of the skip features, in the order of ``down_block_additional_residual_0..N-1``."""
        chans = [self.conv_in.out_channels]
        for block in self.down_blocks:
            chans += [r.conv2.out_channels for r in block.resnets]
            if block.downsampler is not None:
                chans.append(block.downsampler.conv.out_channels)
        return chans

    def residual_downscales(self) -> list[int]:
        """Resolution of each skip feature relative to the latent (1, 2, 4, ...)."""
        scales = [1]
        s = 1
        for block in self.down_blocks:
            scales += [s] * len(block.resnets)
            if block.downsampler is not None:
                s *= 2
                scales.append(s)
        return scales

    def forward(
        self,
        sample: torch.Tensor,
        timestep: torch.Tensor,
        encoder_hidden_states: torch.Tensor,
        down_residuals: list[torch.Tensor],
        mid_residual: torch.Tensor,
    ) -> torch.Tensor:
        # 1. time
        temb = self.time_embedding(timestep)
        # 2. down
        x = self.conv_in(sample)
        skips = [x]
        for block in self.down_blocks:
            x, res = block(x, temb, encoder_hidden_states)
            skips += res
        if len(down_residuals) != len(skips):
            raise ValueError(f'UNet.forward: expected {len(skips)} down residuals, got {len(down_residuals)}')
        # 3. ControlNet-style residuals (diffusers: down_block_res_samples[i] + down_block_additional_residuals[i])
        skips = [s + r for s, r in zip(skips, down_residuals)]
        # 4. mid
        x = self.mid_block(x, temb, encoder_hidden_states) + mid_residual
        # 5. up
        for block in self.up_blocks:
            take = len(block.resnets)
            block_skips, skips = skips[-take:], skips[:-take]
            x = block(x, block_skips, temb, encoder_hidden_states)
        # 6. out
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class UNetOnnx(nn.Module):
    """Flat positional signature for export: (sample, timestep, encoder_hidden_states, r_0..r_{N-1}, r_mid)."""

    def __init__(self, unet: UNet) -> None:
        super().__init__()
        self.unet = unet

    def forward(self, sample, timestep, encoder_hidden_states, *residuals):  # type: ignore[no-untyped-def]
        return self.unet(sample, timestep, encoder_hidden_states, list(residuals[:-1]), residuals[-1])
