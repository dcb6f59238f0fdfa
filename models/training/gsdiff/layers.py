"""Building blocks shared by the tiny GSDiff components (diffusers-like, export-friendly).

Everything here exports to ONNX opset 17 with torch 1.13 and runs unchanged on torch 2.x: attention is written as
explicit matmul + softmax (no ``F.scaled_dot_product_attention``, no ``nn.MultiheadAttention`` fast path).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

NORM_GROUPS = 8
MASK_VALUE = -1.0e4  # additive attention mask; exp() underflows to exactly 0 in float32, representable in fp16


def group_norm(channels: int) -> nn.GroupNorm:
    """GroupNorm with the tiny models' group count (diffusers uses 32 at full size)."""
    return nn.GroupNorm(min(NORM_GROUPS, channels), channels, eps=1e-5)


def timestep_sinusoids(timesteps: torch.Tensor, dim: int) -> torch.Tensor:
    """diffusers ``Timesteps(dim, flip_sin_to_cos=True, downscale_freq_shift=0)``: [B] -> [B, dim] as (cos, sin)."""
    half = dim // 2
    exponent = torch.arange(half, dtype=torch.float32, device=timesteps.device) * (-math.log(10000.0) / half)
    args = timesteps.to(torch.float32)[:, None] * torch.exp(exponent)[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TimestepEmbedding(nn.Module):
    """diffusers ``TimestepEmbedding``: sinusoids -> Linear -> SiLU -> Linear."""

    def __init__(self, in_dim: int, embed_dim: int) -> None:
        super().__init__()
        self.in_dim = in_dim
        self.linear_1 = nn.Linear(in_dim, embed_dim)
        self.linear_2 = nn.Linear(embed_dim, embed_dim)

    def forward(self, timesteps: torch.Tensor) -> torch.Tensor:
        return self.linear_2(F.silu(self.linear_1(timestep_sinusoids(timesteps, self.in_dim))))


class Attention(nn.Module):
    """Multi-head attention, diffusers naming (to_q/to_k/to_v/to_out).

    ``query`` [B, Tq, Cq], ``context`` [B, Tk, Ck] (defaults to query), optional additive ``bias`` broadcastable to
    [B, heads, Tq, Tk].
    """

    def __init__(self, query_dim: int, heads: int, context_dim: int | None = None) -> None:
        super().__init__()
        if query_dim % heads != 0:
            raise ValueError(f'Attention: expected query_dim divisible by heads, got {query_dim} and {heads}')
        context_dim = context_dim or query_dim
        self.heads = heads
        self.head_dim = query_dim // heads
        self.scale = self.head_dim**-0.5
        self.to_q = nn.Linear(query_dim, query_dim, bias=False)
        self.to_k = nn.Linear(context_dim, query_dim, bias=False)
        self.to_v = nn.Linear(context_dim, query_dim, bias=False)
        self.to_out = nn.Linear(query_dim, query_dim)

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.reshape(b, t, self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(
        self, query: torch.Tensor, context: torch.Tensor | None = None, bias: torch.Tensor | None = None
    ) -> torch.Tensor:
        context = query if context is None else context
        q = self._split(self.to_q(query))
        k = self._split(self.to_k(context))
        v = self._split(self.to_v(context))
        scores = torch.matmul(q * self.scale, k.transpose(-1, -2))
        if bias is not None:
            scores = scores + bias
        out = torch.matmul(torch.softmax(scores, dim=-1), v)
        b, _, t, _ = out.shape
        return self.to_out(out.permute(0, 2, 1, 3).reshape(b, t, self.heads * self.head_dim))


class ResnetBlock(nn.Module):
    """diffusers ``ResnetBlock2D``: GN-SiLU-conv (+ time embedding) GN-SiLU-conv, 1x1 shortcut when channels change."""

    def __init__(self, in_channels: int, out_channels: int, temb_channels: int | None) -> None:
        super().__init__()
        self.norm1 = group_norm(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb_channels, out_channels) if temb_channels else None
        self.norm2 = group_norm(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else None

    def forward(self, x: torch.Tensor, temb: torch.Tensor | None = None) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None and temb is not None:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        skip = x if self.conv_shortcut is None else self.conv_shortcut(x)
        return skip + h


class Downsample(nn.Module):
    """3x3 stride-2 conv. ``asymmetric_pad`` is the SD VAE variant (pad right/bottom by 1, no conv padding)."""

    def __init__(self, channels: int, asymmetric_pad: bool = False) -> None:
        super().__init__()
        self.asymmetric_pad = asymmetric_pad
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=0 if asymmetric_pad else 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.asymmetric_pad:
            x = F.pad(x, (0, 1, 0, 1))
        return self.conv(x)


class Upsample(nn.Module):
    """Nearest 2x upsampling followed by a 3x3 conv (diffusers ``Upsample2D``)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode='nearest'))


class GegluFeedForward(nn.Module):
    """diffusers ``FeedForward(activation_fn='geglu')``."""

    def __init__(self, dim: int, mult: int = 2) -> None:
        super().__init__()
        inner = dim * mult
        self.proj_in = nn.Linear(dim, inner * 2)
        self.proj_out = nn.Linear(inner, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, gate = self.proj_in(x).chunk(2, dim=-1)
        return self.proj_out(h * F.gelu(gate))


class BasicTransformerBlock(nn.Module):
    """Self-attention over all tokens, cross-attention to the context, GEGLU feed-forward (pre-LN, residuals)."""

    def __init__(self, dim: int, heads: int, context_dim: int) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn1 = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim)
        self.attn2 = Attention(dim, heads, context_dim)
        self.norm3 = nn.LayerNorm(dim)
        self.ff = GegluFeedForward(dim)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        x = x + self.attn1(self.norm1(x))
        x = x + self.attn2(self.norm2(x), context)
        return x + self.ff(self.norm3(x))


class Transformer2D(nn.Module):
    """diffusers ``Transformer2DModel`` (SD 1.x layout): GN, 1x1 proj_in, transformer block, 1x1 proj_out, residual.

    Self-attention runs over the whole h*w grid, i.e. over every spliced frame at once.
    """

    def __init__(self, channels: int, heads: int, context_dim: int) -> None:
        super().__init__()
        self.norm = group_norm(channels)
        self.proj_in = nn.Conv2d(channels, channels, 1)
        self.block = BasicTransformerBlock(channels, heads, context_dim)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        t = self.proj_in(self.norm(x)).reshape(b, c, h * w).permute(0, 2, 1)
        t = self.block(t, context)
        t = t.permute(0, 2, 1).reshape(b, c, h, w)
        return x + self.proj_out(t)


class SpatialSelfAttention(nn.Module):
    """SD VAE mid-block attention: GN, single-head self-attention over all pixels, residual."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.norm = group_norm(channels)
        self.attn = Attention(channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        t = self.norm(x).reshape(b, c, h * w).permute(0, 2, 1)
        t = self.attn(t).permute(0, 2, 1).reshape(b, c, h, w)
        return x + t
