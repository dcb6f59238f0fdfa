"""Tail Refine Network (GSDiff paper, section "TRN"), tiny size: Swin-style window attention over the k frames.

``frames`` [B, k, 3, H, W] (model range) -> ``refined`` [B, k, 3, H, W] = frames + head(decoder(...)).

- Stem per frame: a 3x3 conv to C channels at full resolution (``patch`` 1, the tiny pack), or a Swin patch
  embedding, a patch x patch stride-patch conv (``patch`` 2, gsdiff-s), with a matching transposed-conv head. The
  patch embedding divides every later cost by patch**2: on 2 CPU cores the full-resolution TRN was 69 % of a
  512x512 window (docs/BENCHMARKS.md), and the residual ``frames + out`` still carries the full-resolution input.
- Windows are spatio-temporal: all k frames x ws x ws pixels (k * ws * ws tokens), so attention mixes the
  consecutive frames (ours: the paper does not say how frames meet inside a window).
- Encoder stage = W-MSA block + SW-MSA block (shifted by ws/2 with the Swin cyclic shift and region mask);
  Down 2x (2x2 stride-2 conv) between encoder stages, not after the last.
- Decoder block: queries from the (upsampled) decoder path after a 3x3 conv, keys/values from the encoder skip
  through a 1x1 conv; two parallel branches, one W-MSA then W-MCA, the other SW-MSA then SW-MCA; the branches are
  averaged, then LayerNorm + MLP with residual (ours: how the branches merge).
- Tiny size: 2 stages (paper: 4) with one block pair per stage (paper: [4,4,4,4]). H and W must be multiples of
  patch * ws * 2**(stages-1) (8 for the tiny pack, 16 for gsdiff-s).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .layers import MASK_VALUE, Attention


def window_partition(x: torch.Tensor, ws: int) -> torch.Tensor:
    """[B, k, H, W, C] -> [B * nH * nW, k * ws * ws, C]."""
    b, k, h, w, c = x.shape
    x = x.reshape(b, k, h // ws, ws, w // ws, ws, c).permute(0, 2, 4, 1, 3, 5, 6)
    return x.reshape(b * (h // ws) * (w // ws), k * ws * ws, c)


def window_reverse(win: torch.Tensor, ws: int, shape: tuple) -> torch.Tensor:
    """Inverse of :func:`window_partition`; ``shape`` is (B, k, H, W, C) of the original tensor."""
    b, k, h, w, c = shape
    x = win.reshape(b, h // ws, w // ws, k, ws, ws, c).permute(0, 3, 1, 4, 2, 5, 6)
    return x.reshape(b, k, h, w, c)


def shifted_window_bias(h, w, k: int, ws: int, shift: int) -> torch.Tensor:  # type: ignore[no-untyped-def]
    """Swin SW-MSA mask as an additive bias [nW, 1, T, T]: tokens from different regions of the cyclically shifted
    map do not attend to each other. Built from arange so that H and W stay dynamic in the ONNX graph."""
    ys = torch.arange(h)
    xs = torch.arange(w)
    ry = (ys >= h - ws).to(torch.int64) + (ys >= h - shift).to(torch.int64)
    rx = (xs >= w - ws).to(torch.int64) + (xs >= w - shift).to(torch.int64)
    region = ry[:, None] * 3 + rx[None, :]  # [H, W]
    region = region.reshape(h // ws, ws, w // ws, ws).permute(0, 2, 1, 3).reshape(-1, 1, ws * ws)
    region = region.expand(-1, k, -1).reshape(-1, k * ws * ws)  # [nW, T], same region for all frames
    differ = (region[:, :, None] != region[:, None, :]).to(torch.float32)
    return (differ * MASK_VALUE)[:, None, :, :]


class WindowAttention(nn.Module):
    """(S)W-MSA when ``context`` is None, (S)W-MCA otherwise; x, context [B, k, H, W, C]."""

    def __init__(self, channels: int, heads: int, ws: int, shifted: bool) -> None:
        super().__init__()
        self.ws = ws
        self.shift = ws // 2 if shifted else 0
        self.attn = Attention(channels, heads)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        shape = x.shape
        b, k, h, w, _ = shape
        context = x if context is None else context
        if self.shift:
            x = torch.roll(x, shifts=(-self.shift, -self.shift), dims=(2, 3))
            context = torch.roll(context, shifts=(-self.shift, -self.shift), dims=(2, 3))
        q = window_partition(x, self.ws)
        kv = window_partition(context, self.ws)
        bias = None
        if self.shift:
            mask = shifted_window_bias(h, w, k, self.ws, self.shift)  # [nW, 1, T, T]
            t = q.shape[1]
            bias = mask[None].expand(b, -1, -1, -1, -1).reshape(-1, 1, t, t)
        out = window_reverse(self.attn(q, kv, bias), self.ws, shape)
        if self.shift:
            out = torch.roll(out, shifts=(self.shift, self.shift), dims=(2, 3))
        return out


class Mlp(nn.Module):
    def __init__(self, channels: int, mult: int = 2) -> None:
        super().__init__()
        self.fc1 = nn.Linear(channels, channels * mult)
        self.fc2 = nn.Linear(channels * mult, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class SwinBlock(nn.Module):
    """Encoder block: LN -> (S)W-MSA -> residual, LN -> MLP -> residual."""

    def __init__(self, channels: int, heads: int, ws: int, shifted: bool) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(channels)
        self.attn = WindowAttention(channels, heads, ws, shifted)
        self.norm2 = nn.LayerNorm(channels)
        self.mlp = Mlp(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class DecoderBranch(nn.Module):
    """(S)W-MSA on the queries, then (S)W-MCA to the encoder skip."""

    def __init__(self, channels: int, heads: int, ws: int, shifted: bool) -> None:
        super().__init__()
        self.norm_self = nn.LayerNorm(channels)
        self.self_attn = WindowAttention(channels, heads, ws, shifted)
        self.norm_q = nn.LayerNorm(channels)
        self.norm_kv = nn.LayerNorm(channels)
        self.cross_attn = WindowAttention(channels, heads, ws, shifted)

    def forward(self, q: torch.Tensor, kv: torch.Tensor) -> torch.Tensor:
        h = q + self.self_attn(self.norm_self(q))
        return h + self.cross_attn(self.norm_q(h), self.norm_kv(kv))


class DecoderBlock(nn.Module):
    def __init__(self, in_channels: int, skip_channels: int, channels: int, heads: int, ws: int) -> None:
        super().__init__()
        self.q_conv = nn.Conv2d(in_channels, channels, 3, padding=1)
        self.kv_conv = nn.Conv2d(skip_channels, channels, 1)
        self.branch_w = DecoderBranch(channels, heads, ws, shifted=False)
        self.branch_sw = DecoderBranch(channels, heads, ws, shifted=True)
        self.norm = nn.LayerNorm(channels)
        self.mlp = Mlp(channels)

    def forward(self, x: torch.Tensor, skip: torch.Tensor, b: int, k: int) -> torch.Tensor:
        """x, skip: per-frame maps [B*k, C, H, W]; returns [B*k, C, H, W]."""
        q = to_tokens(self.q_conv(x), b, k)
        kv = to_tokens(self.kv_conv(skip), b, k)
        y = 0.5 * (self.branch_w(q, kv) + self.branch_sw(q, kv))
        y = y + self.mlp(self.norm(y))
        return to_maps(y)


def to_tokens(x: torch.Tensor, b: int, k: int) -> torch.Tensor:
    """[B*k, C, H, W] -> [B, k, H, W, C]."""
    _, c, h, w = x.shape
    return x.reshape(b, k, c, h, w).permute(0, 1, 3, 4, 2)


def to_maps(x: torch.Tensor) -> torch.Tensor:
    """[B, k, H, W, C] -> [B*k, C, H, W]."""
    b, k, h, w, c = x.shape
    return x.permute(0, 1, 4, 2, 3).reshape(b * k, c, h, w)


class TailRefineNetwork(nn.Module):
    def __init__(self, channels: tuple[int, ...], heads: int, ws: int, patch: int = 1) -> None:
        super().__init__()
        if patch == 1:
            self.stem: nn.Module = nn.Conv2d(3, channels[0], 3, padding=1)
        else:
            self.stem = nn.Conv2d(3, channels[0], patch, stride=patch)
        self.encoder = nn.ModuleList(
            [nn.Sequential(SwinBlock(ch, heads, ws, False), SwinBlock(ch, heads, ws, True)) for ch in channels]
        )
        self.downs = nn.ModuleList(
            [nn.Conv2d(channels[i], channels[i + 1], 2, stride=2) for i in range(len(channels) - 1)]
        )
        self.decoder = nn.ModuleList()
        self.ups = nn.ModuleList()
        n = len(channels)
        for s in range(n - 1, -1, -1):  # deepest first
            in_ch = channels[s] if s == n - 1 else channels[s + 1]
            self.ups.append(nn.Identity() if s == n - 1 else nn.Upsample(scale_factor=2.0, mode='nearest'))
            self.decoder.append(DecoderBlock(in_ch, channels[s], channels[s], heads, ws))
        if patch == 1:
            self.head: nn.Module = nn.Conv2d(channels[0], 3, 3, padding=1)
        else:
            self.head = nn.ConvTranspose2d(channels[0], 3, patch, stride=patch)

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        b, k, c, h, w = frames.shape
        x = self.stem(frames.reshape(b * k, c, h, w))
        skips = []
        for s, stage in enumerate(self.encoder):
            if s > 0:
                x = self.downs[s - 1](x)
            x = to_maps(stage(to_tokens(x, b, k)))
            skips.append(x)
        for i, block in enumerate(self.decoder):
            x = block(self.ups[i](x), skips[len(skips) - 1 - i], b, k)
        out = self.head(x).reshape(b, k, c, h, w)
        return frames + out
