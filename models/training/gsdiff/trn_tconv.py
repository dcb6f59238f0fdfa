"""Tail Refine Network, v3 (issue "Step 12", item 1a): a multi-frame residual conv restorer at full resolution.

``frames`` [B, k, 3, H, W] (model range) -> ``refined`` [B, k, 3, H, W] = frames - noise, the same contract as
:mod:`trn` and :mod:`trn_naf` (the runtime and the export are unchanged).

Each frame t is restored from itself and its ``radius`` neighbours on either side, stacked as input channels (early
fusion, as FastDVDnet's denoising blocks): a stack of 3x3 convolutions with ReLU between predicts frame t's noise.
Neighbours past the window's ends are mirrored (frame -1 is frame 1, never frame 0 itself), so an edge frame never
sees a copy of its own noise as if it were an independent look at the same anatomy.

Why this shape (measured, docs/RESULTS.md "Step 12"): on real low-dose CT the strongest thing we had was the
single-frame DnCNN (8 x 48, full resolution); the NAFNet U-Net TRN, pretrained 56 minutes, stayed 0.3-0.7 dB behind
it. The information a single-frame denoiser cannot use is the neighbouring slices, whose noise is independent of the
frame's own. This TRN is the DnCNN's body with the neighbours as extra input channels, so it can start from a trained
single-frame denoiser (:func:`from_single_frame`: neighbour weights at zero = exactly that denoiser) and learn only
what the neighbours add. Exports to ONNX as Slice / Concat / Conv / Relu.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class TemporalConvTailRefineNetwork(nn.Module):
    def __init__(self, depth: int = 8, width: int = 48, radius: int = 2, channels: int = 3, outputs: int = 1) -> None:
        super().__init__()
        if depth < 2 or width < 1 or radius < 0 or outputs < 1:
            raise ValueError(
                f'TemporalConvTRN: expected depth >= 2, width >= 1, radius >= 0, outputs >= 1, got {depth}, {width}, '
                f'{radius}, {outputs}'
            )
        self.depth, self.width, self.radius, self.channels, self.outputs = depth, width, radius, channels, outputs
        looks = 2 * radius + 1
        # outputs > 1: one noise estimate per target kind from the same features (--own-noise: 0 the reference's
        # texture kept, 1 the reference's own noise removed too; see mixed())
        sizes = [channels * looks] + [width] * (depth - 1) + [channels * outputs]
        self.convs = nn.ModuleList([nn.Conv2d(sizes[i], sizes[i + 1], 3, padding=1) for i in range(depth)])

    def neighbourhoods(self, frames: torch.Tensor) -> torch.Tensor:
        """[B, k, C, H, W] -> [B * k, C * (2r + 1), H, W]: frame t's looks t-r..t+r, mirrored at the window ends."""
        b, k, c, h, w = frames.shape
        r = self.radius

        def mirror(i: int) -> int:
            while i < 0 or i >= k:  # k == 1: every look is the frame itself
                i = -i if i < 0 else 2 * (k - 1) - i
                if k == 1:
                    return 0
            return i

        looks = [torch.stack([frames[:, mirror(t + d)] for t in range(k)], dim=1) for d in range(-r, r + 1)]
        return torch.cat(looks, dim=2).reshape(b * k, c * (2 * r + 1), h, w)

    def noise_of_looks(self, looks: torch.Tensor) -> torch.Tensor:
        """[N, C (2r + 1), H, W] neighbourhoods -> [N, C outputs, H, W] the centre frames' noise, output by output."""
        x = looks
        for i, conv in enumerate(self.convs):
            x = conv(x)
            if i < len(self.convs) - 1:
                x = F.relu(x)
        return x

    def noises(self, frames: torch.Tensor) -> torch.Tensor:
        """[B, k, C, H, W] -> [outputs, B, k, C, H, W]."""
        b, k, c, h, w = frames.shape
        n = self.noise_of_looks(self.neighbourhoods(frames)).reshape(b, k, self.outputs, c, h, w)
        return n.permute(2, 0, 1, 3, 4, 5)

    def noise(self, frames: torch.Tensor) -> torch.Tensor:
        return self.noises(frames)[0]

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        """The first output's restoration (the only one of a one-output TRN)."""
        return frames - self.noise(frames)

    def zero_init_outputs(self) -> None:
        """The last conv at zero: the untrained TRN returns its input."""
        with torch.no_grad():
            self.convs[-1].weight.zero_()
            self.convs[-1].bias.zero_()


class CentreFrameTrn(nn.Module):
    """The same network on one frame at a time: ``looks`` [N, C (2r + 1), H, W], each row a frame's neighbourhood
    t-r..t+r already stacked by the caller, -> ``refined`` [N, C, H, W] the restored centre frames.

    Why a second graph of the same weights: the window graph restores every frame of a k-frame tile-window and
    mirrors the neighbours at the window's ends, so the runtime ran each frame through it about twice (window overlap
    x tile overlap) and the window's edge frames saw mirrored instead of true neighbours. With this graph the runtime
    restores each frame once, on the whole slice, with the series' true neighbours (mirrored at the series' ends only,
    as training mirrors at a window's), and the diffusion branch adds its correction per tile-window."""

    def __init__(self, trn: TemporalConvTailRefineNetwork) -> None:
        super().__init__()
        self.trn = trn

    def forward(self, looks: torch.Tensor) -> torch.Tensor:
        c, r = self.trn.channels, self.trn.radius
        return looks[:, r * c : (r + 1) * c] - self.trn.noise_of_looks(looks)


def mixed(trn: TemporalConvTailRefineNetwork, beta: float) -> TemporalConvTailRefineNetwork:
    """A one-output copy whose noise is (1 - beta) output 0 + beta output 1. Exact: the outputs are linear in the last
    conv, so the mix is that conv with mixed weights, and E[t_beta | z] for t_beta = y - beta G s (gsdiff/own_noise.py)
    is this mix: beta 0 keeps the reference's own texture, 1 removes the own noise too. The export writes one graph
    per strength this way (export_pack.py), at the cost of one plain TRN each."""
    if trn.outputs != 2:
        raise ValueError(f'mixed: expected a TRN with 2 outputs, got {trn.outputs}')
    if not 0.0 <= beta <= 1.0:
        raise ValueError(f'mixed: expected beta in [0, 1], got {beta}')
    out = TemporalConvTailRefineNetwork(trn.depth, trn.width, trn.radius, trn.channels, 1)
    state = {k: v.clone() for k, v in trn.state_dict().items()}
    last = f'convs.{trn.depth - 1}'
    c = trn.channels
    for part in ('weight', 'bias'):
        v = state[f'{last}.{part}']
        state[f'{last}.{part}'] = (1.0 - beta) * v[:c] + beta * v[c:]
    out.load_state_dict(state)
    return out


def conv_indices(weights: dict[str, torch.Tensor]) -> list[int]:
    """The conv layer indices of a conv-stack state dict (``convs.<i>.weight``), sorted: its depth is their count."""
    return sorted({int(k.split('.')[1]) for k in weights if k.startswith('convs.')})


def with_outputs(trn: TemporalConvTailRefineNetwork, weights: dict[str, torch.Tensor]) -> None:
    """Loads a one-output TRN's weights into ``trn`` (same depth, width and radius), its last conv copied to every
    output: each output starts as that TRN, and training moves them apart only where their targets differ."""
    state = dict(weights)
    last = f'convs.{trn.depth - 1}'
    for part in ('weight', 'bias'):
        v = state[f'{last}.{part}']
        if v.shape[0] != trn.channels:
            raise ValueError(f'with_outputs: expected a one-output TRN ({trn.channels} noise channels), got {v.shape[0]}')
        state[f'{last}.{part}'] = torch.cat([v] * trn.outputs)
    trn.load_state_dict(state)


def from_single_frame(trn: TemporalConvTailRefineNetwork, denoiser: dict[str, torch.Tensor]) -> None:
    """Loads a single-frame DnCNN's weights (``gsdiff.dncnn.DnCnn`` state dict, no BatchNorm, same depth and width)
    so that the TRN computes exactly that denoiser on every frame: the centre look's input weights are the DnCNN's
    first conv spread over the channels (a 1-channel DnCNN sees the channel mean), every neighbour look's are zero,
    and a 1-channel noise map is copied to all channels. Training then learns what the neighbours add."""
    convs = conv_indices(denoiser)
    if len(convs) != trn.depth or any(k.startswith('norms.') for k in denoiser):
        raise ValueError(f'from_single_frame: expected a DnCNN of depth {trn.depth} without BatchNorm')
    w0 = denoiser['convs.0.weight']
    if w0.shape[0] != trn.width:
        raise ValueError(f'from_single_frame: expected width {trn.width}, got {w0.shape[0]}')
    c, r = trn.channels, trn.radius
    with torch.no_grad():
        first = torch.zeros_like(trn.convs[0].weight)  # [width, c * (2r + 1), 3, 3], looks in order -r..r
        centre = w0 / c if w0.shape[1] == 1 else w0
        first[:, r * c : (r + 1) * c] = centre.expand(-1, c, -1, -1) if w0.shape[1] == 1 else centre
        trn.convs[0].weight.copy_(first)
        trn.convs[0].bias.copy_(denoiser['convs.0.bias'])
        for i in range(1, trn.depth - 1):
            trn.convs[i].weight.copy_(denoiser[f'convs.{i}.weight'])
            trn.convs[i].bias.copy_(denoiser[f'convs.{i}.bias'])
        last_w, last_b = denoiser[f'convs.{trn.depth - 1}.weight'], denoiser[f'convs.{trn.depth - 1}.bias']
        trn.convs[-1].weight.copy_(last_w.expand(c, -1, -1, -1) if last_w.shape[0] == 1 else last_w)
        trn.convs[-1].bias.copy_(last_b.expand(c) if last_b.shape[0] == 1 else last_b)


def deepened(trn: TemporalConvTailRefineNetwork, weights: dict[str, torch.Tensor]) -> None:
    """Loads a shallower trained TRN's weights (same width, radius and outputs) into ``trn`` so that it computes
    exactly that TRN: the extra convs go in the middle of the stack as identities (a centre tap of 1 from each
    channel to itself, bias 0). Exact because every hidden activation is already past a ReLU, so identity then ReLU
    is the identity. Why deepen instead of starting afresh: the shallow TRN's curve is flat (its 8 x 48 body is what
    limits it), and the deeper stack widens the receptive field by 2 px a conv while keeping all it learned."""
    convs = conv_indices(weights)
    src_depth = len(convs)
    if convs != list(range(src_depth)) or not 2 <= src_depth < trn.depth:
        raise ValueError(f'deepened: expected a TRN of depth 2..{trn.depth - 1}, got convs {convs}')
    for i in (0, src_depth - 1):
        want = tuple(trn.convs[0 if i == 0 else -1].weight.shape)
        got = tuple(weights[f'convs.{i}.weight'].shape)
        if got != want:
            raise ValueError(f'deepened: conv {i} is {got}, expected {want} (same width, radius and outputs)')
    extra, mid = trn.depth - src_depth, src_depth // 2
    # source conv i -> target conv i (i < mid) or i + extra (i >= mid); target mid .. mid + extra - 1 are identities
    state = {}
    for i in range(src_depth):
        j = i if i < mid else i + extra
        for part in ('weight', 'bias'):
            state[f'convs.{j}.{part}'] = weights[f'convs.{i}.{part}']
    eye = torch.zeros(trn.width, trn.width, 3, 3)
    eye[torch.arange(trn.width), torch.arange(trn.width), 1, 1] = 1.0
    for j in range(mid, mid + extra):
        state[f'convs.{j}.weight'] = eye.clone()
        state[f'convs.{j}.bias'] = torch.zeros(trn.width)
    trn.load_state_dict(state)
