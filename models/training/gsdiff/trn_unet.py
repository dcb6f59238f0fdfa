"""Tail Refine Network for RGB video (capsule endoscopy): a multi-frame residual U-Net over a frame's neighbourhood.

``frames`` [B, k, 3, H, W] (model range) -> ``refined`` [B, k, 3, H, W], the contract of :mod:`trn_tconv` (same
``neighbourhoods`` / ``noise_of_looks`` / ``noises``), so the per-frame export (``CentreFrameTrn``) and the runtime's
``refineFrame`` take it unchanged: ``looks`` [N, 3 (2r + 1), H, W] -> the centre frame.

Why a second TRN and this shape (issue "Step 12", item 5): the capsule degradation is motion blur of 3-25 px with
sensor noise and JPEG (gsdiff/degrade.py). The CT TRN (a 17-px conv stack) cannot undo a 21-px blur: deblurring needs
a receptive field several times the blur, which a U-Net gets cheaply (four levels: one 3x3 conv at the lowest level
spans 24 px of the frame). Each frame's neighbours are blurred along other random trajectories, so what one frame lost
another kept (burst deblurring, Delbracio & Sapiro 2015): they enter as input channels (early fusion, as the CT TRN),
and the network learns to take each detail from the look that kept it. The blocks are plain residual blocks
(conv 3x3, ReLU, conv 3x3): on one CPU thread, forward + backward for 4 crops of 96 px took 0.19 s for a
(16, 32, 64, 128) U-Net of them and 2.1 s for the NAFNet U-Net of trn_naf.py at (24, 48, 96, 192) (0.43 s for this
one at (32, 64, 128, 256)): NAFNet's LayerNorms, depthwise convs and gates are memory-bound there. Exports as Conv / Relu / Add / DepthToSpace / Pad.

Any H, W: the frame is edge-padded to a multiple of 2 ** (levels - 1) inside the graph and cropped back.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .trn_tconv import TemporalConvTailRefineNetwork


class ResBlock(nn.Module):
    """x + conv(relu(conv(x))), 3x3 convs of c channels."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.a = nn.Conv2d(c, c, 3, padding=1)
        self.b = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.b(F.relu(self.a(x)))


class LooksUnetTailRefineNetwork(nn.Module):
    def __init__(
        self,
        widths: tuple[int, ...] = (16, 32, 64, 128),
        blocks: tuple[int, ...] = (1, 1, 2, 1),
        middle: int = 2,
        radius: int = 2,
        channels: int = 3,
    ) -> None:
        super().__init__()
        if len(widths) < 2 or len(blocks) != len(widths) or middle < 0 or radius < 0:
            raise ValueError(
                f'LooksUnetTRN: expected >= 2 widths, one block count per width, middle >= 0, radius >= 0, got '
                f'{widths}, {blocks}, {middle}, {radius}'
            )
        self.widths, self.blocks, self.middle_blocks = tuple(widths), tuple(blocks), middle
        self.radius, self.channels, self.outputs = radius, channels, 1
        self.levels = len(widths)
        self.multiple = 2 ** (self.levels - 1)
        self.stem = nn.Conv2d(channels * (2 * radius + 1), widths[0], 3, padding=1)
        self.enc = nn.ModuleList([nn.Sequential(*[ResBlock(c) for _ in range(n)]) for c, n in zip(widths, blocks)])
        self.down = nn.ModuleList([nn.Conv2d(widths[i], widths[i + 1], 2, stride=2) for i in range(self.levels - 1)])
        self.middle = nn.Sequential(*[ResBlock(widths[-1]) for _ in range(middle)])
        self.up = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(widths[i + 1], widths[i] * 4, 1), nn.PixelShuffle(2)) for i in range(self.levels - 1)]
        )
        # decoder levels above the lowest (the lowest level's decoder is the middle blocks)
        self.dec = nn.ModuleList([nn.Sequential(*[ResBlock(c) for _ in range(n)]) for c, n in zip(widths[:-1], blocks)])
        self.head = nn.Conv2d(widths[0], channels, 3, padding=1)

    neighbourhoods = TemporalConvTailRefineNetwork.neighbourhoods

    def zero_init_outputs(self) -> None:
        """After the generic random initialisation: each block's second conv and the head at zero, so every block and
        the untrained TRN return their input and training starts from the identity."""
        with torch.no_grad():
            for m in self.modules():
                if isinstance(m, ResBlock):
                    m.b.weight.zero_()
                    m.b.bias.zero_()
            self.head.weight.zero_()
            self.head.bias.zero_()

    def noise_of_looks(self, looks: torch.Tensor) -> torch.Tensor:
        """[N, C (2r + 1), H, W] neighbourhoods -> [N, C, H, W]: what to subtract from the centre frame."""
        h, w = looks.shape[-2:]
        m = self.multiple
        ph, pw = (m - h % m) % m, (m - w % m) % m
        # always padded (by 0 when h, w are multiples): a branch on the size would be frozen into the exported graph
        x = self.stem(F.pad(looks, (0, pw, 0, ph), mode='replicate'))
        skips = []
        for i in range(self.levels):
            x = self.enc[i](x)
            if i < self.levels - 1:
                skips.append(x)
                x = self.down[i](x)
        x = self.middle(x)
        for i in reversed(range(self.levels - 1)):
            x = self.dec[i](self.up[i](x) + skips[i])
        return -self.head(x)[..., :h, :w]

    def noises(self, frames: torch.Tensor) -> torch.Tensor:
        """[B, k, C, H, W] -> [1, B, k, C, H, W] (one output, the tconv TRN's layout)."""
        b, k, c, h, w = frames.shape
        return self.noise_of_looks(self.neighbourhoods(frames)).reshape(1, b, k, c, h, w)

    def noise(self, frames: torch.Tensor) -> torch.Tensor:
        return self.noises(frames)[0]

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        return frames - self.noise(frames)

    def centre_noise(self, frames: torch.Tensor) -> torch.Tensor:
        """[B, k, C, H, W] -> [B, C, H, W], the centre frame's only: training on frames whose neighbours are all true
        ones (a window's edge frames see mirrored looks, which at inference happens at a series' two ends only)."""
        b, k, c, h, w = frames.shape
        t, r = k // 2, self.radius
        if t - r < 0 or t + r >= k:
            raise ValueError(f'centre_noise: a {k}-frame window has no centre frame with {r} neighbours each side')
        looks = frames[:, t - r : t + r + 1].reshape(b, (2 * r + 1) * c, h, w)
        return self.noise_of_looks(looks)
