"""Tail Refine Network, v2 (issue "Step 12", item 1a): the multi-frame restorer of the pipeline, with capacity.

``frames`` [B, k, 3, H, W] (model range) -> ``refined`` [B, k, 3, H, W] = frames + head(decoder(...)), the same
contract as :mod:`trn` (so the runtime and the export are unchanged).

Why this shape: on real low-dose CT the strongest thing measured so far is a small residual CNN (the DnCNN baseline,
docs/RESULTS.md), and GSDIFF.md's TRN is where the paper's largest gain comes from (+4.7 dB). This TRN is a U-Net of
NAFNet blocks (Chen et al. 2022: LayerNorm, 1x1 expand, 3x3 depthwise, SimpleGate, simplified channel attention, a
gated FFN; no activation functions beyond the gate) at full resolution, with temporal fusion between consecutive
frames at every encoder level: x_t += 1x1 conv of [x_{t-1}, x_t, x_{t+1}] (edge frames repeat themselves). On CPU a
NAFNet block costs ~6 C² multiply-adds per pixel against Swin window attention's k·ws² tokens per query, and it needs
no patch embedding, so detail stays at full resolution (measured in docs/RESULTS.md when the ablation lands).
Every op exports to ONNX opset 17 as plain Conv / ReduceMean / Mul / DepthToSpace (PixelShuffle).

H and W must be multiples of 2 ** (len(channels) - 1).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class LayerNorm2d(nn.Module):
    """LayerNorm over channels of [N, C, H, W] (exports as ReduceMean/Sub/Mul, no transposes)."""

    def __init__(self, channels: int, eps: float = 1e-6) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(1, channels, 1, 1))
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mu = x.mean(dim=1, keepdim=True)
        var = (x - mu).pow(2).mean(dim=1, keepdim=True)
        return (x - mu) / torch.sqrt(var + self.eps) * self.weight + self.bias


class NafBlock(nn.Module):
    """NAFNet's baseline block: x + β·conv(SCA(gate(dw(conv(LN x))))), then + γ·conv(gate(conv(LN y)))."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.norm1 = LayerNorm2d(c)
        self.expand = nn.Conv2d(c, 2 * c, 1)
        self.dw = nn.Conv2d(2 * c, 2 * c, 3, padding=1, groups=2 * c)
        self.sca = nn.Conv2d(c, c, 1)
        self.project = nn.Conv2d(c, c, 1)
        self.norm2 = LayerNorm2d(c)
        self.ffn_in = nn.Conv2d(c, 2 * c, 1)
        self.ffn_out = nn.Conv2d(c, c, 1)
        # zero-initialised residual scales: every block starts as the identity, so does the whole TRN
        self.beta = nn.Parameter(torch.zeros(1, c, 1, 1))
        self.gamma = nn.Parameter(torch.zeros(1, c, 1, 1))

    @staticmethod
    def gate(x: torch.Tensor) -> torch.Tensor:
        a, b = x.chunk(2, dim=1)
        return a * b

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.gate(self.dw(self.expand(self.norm1(x))))
        y = y * self.sca(y.mean(dim=(2, 3), keepdim=True))
        x = x + self.beta * self.project(y)
        y = self.ffn_out(self.gate(self.ffn_in(self.norm2(x))))
        return x + self.gamma * y


class TemporalFusion(nn.Module):
    """x_t += W · [x_{t-1}, x_t, x_{t+1}] on [B, k, C, H, W]; the first and last frame stand in for missing ones."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.mix = nn.Conv2d(3 * c, c, 1)
        nn.init.zeros_(self.mix.weight)
        nn.init.zeros_(self.mix.bias)

    def forward(self, x: torch.Tensor, k: int) -> torch.Tensor:
        n, c, h, w = x.shape
        v = x.reshape(n // k, k, c, h, w)
        prev = torch.cat([v[:, :1], v[:, :-1]], dim=1)
        nxt = torch.cat([v[:, 1:], v[:, -1:]], dim=1)
        mixed = self.mix(torch.cat([prev, v, nxt], dim=2).reshape(n, 3 * c, h, w))
        return x + mixed


class NafTailRefineNetwork(nn.Module):
    def __init__(
        self,
        channels: tuple[int, ...] = (32, 64, 128),
        blocks: tuple[int, ...] = (1, 1, 2),
        middle: int = 2,
        in_channels: int = 3,
    ) -> None:
        super().__init__()
        self.levels = len(channels)
        self.stem = nn.Conv2d(in_channels, channels[0], 3, padding=1)
        self.fuse = nn.ModuleList([TemporalFusion(c) for c in channels])
        self.enc = nn.ModuleList([nn.Sequential(*[NafBlock(c) for _ in range(n)]) for c, n in zip(channels, blocks)])
        self.down = nn.ModuleList([nn.Conv2d(channels[i], channels[i + 1], 2, stride=2) for i in range(self.levels - 1)])
        self.middle = nn.Sequential(*[NafBlock(channels[-1]) for _ in range(middle)])
        self.up = nn.ModuleList(
            [
                nn.Sequential(nn.Conv2d(channels[i + 1], channels[i] * 4, 1), nn.PixelShuffle(2))
                for i in range(self.levels - 1)
            ]
        )
        self.dec = nn.ModuleList([nn.Sequential(*[NafBlock(c) for _ in range(n)]) for c, n in zip(channels, blocks)])
        self.head = nn.Conv2d(channels[0], in_channels, 3, padding=1)

    def zero_init_outputs(self) -> None:
        """After a generic random initialisation: norms to identity, block and fusion residuals and the head to zero,
        so the untrained TRN returns its input and training starts from the identity."""
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, LayerNorm2d):
                    m.weight.fill_(1.0)
                    m.bias.zero_()
                elif isinstance(m, NafBlock):
                    m.beta.zero_()
                    m.gamma.zero_()
                elif isinstance(m, TemporalFusion):
                    m.mix.weight.zero_()
                    m.mix.bias.zero_()
            self.head.weight.zero_()
            self.head.bias.zero_()

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        b, k, c, h, w = frames.shape
        x = self.stem(frames.reshape(b * k, c, h, w))
        skips = []
        for i in range(self.levels):
            x = self.enc[i](self.fuse[i](x, k))
            if i < self.levels - 1:
                skips.append(x)
                x = self.down[i](x)
        x = self.middle(x)
        for i in reversed(range(self.levels - 1)):
            x = self.dec[i](self.up[i](x) + skips[i])
        return frames + self.head(x).reshape(b, k, c, h, w)
