"""Detail Preservation Module (GSDiff paper, section "DPM"), tiny size.

Inputs: ``f_d`` (scaled VAE latent of the degraded grid), ``z_t`` (the noisy latent at the current step), the
timestep and ``z_d`` (degradation embedding). Two encoder streams (z_t + timestep embedding, f_d), four stages;
at every stage the paper's two-stage fusion

    F_temp = Attn(Q = z_t features, K = V = f_d features)
    F_s    = CrossAttn(Q = F_temp, K = V = z_d)

(pre-LayerNorm, residual on the query) becomes the z stream and the stage's skip feature. A decoder walks back up
with skip concatenation and yields one feature map per U-Net resolution; every U-Net residual input gets its own
ZERO-INITIALISED 1x1 conv from the feature at its resolution (ControlNet). Stages downsample between stages 0-1 and
1-2 only, so the four stages sit at latent scales 1, 2, 4, 4 like the U-Net's down blocks (ours: the paper does
not give the stage resolutions).

Outputs: exactly the U-Net residual inputs, same names, same shapes.
"""

from __future__ import annotations

import torch
from torch import nn

from .layers import Attention, Downsample, ResnetBlock, TimestepEmbedding, Upsample


class Fusion(nn.Module):
    def __init__(self, channels: int, heads: int, z_dim: int) -> None:
        super().__init__()
        self.norm_q = nn.LayerNorm(channels)
        self.norm_kv = nn.LayerNorm(channels)
        self.attn_temp = Attention(channels, heads)
        self.norm_cross = nn.LayerNorm(channels)
        self.attn_cross = Attention(channels, heads, z_dim)

    def forward(self, z: torch.Tensor, f: torch.Tensor, z_d: torch.Tensor) -> torch.Tensor:
        b, c, h, w = z.shape
        zt = z.reshape(b, c, h * w).permute(0, 2, 1)
        ft = f.reshape(b, c, h * w).permute(0, 2, 1)
        f_temp = zt + self.attn_temp(self.norm_q(zt), self.norm_kv(ft))
        fused = f_temp + self.attn_cross(self.norm_cross(f_temp), z_d)
        return fused.permute(0, 2, 1).reshape(b, c, h, w)


class DetailPreservationModule(nn.Module):
    def __init__(
        self,
        latent_channels: int,
        channels: tuple[int, ...],
        heads: int,
        z_dim: int,
        residual_channels: list[int],
        residual_downscales: list[int],
    ) -> None:
        super().__init__()
        if len(channels) != 4:
            raise ValueError(f'DetailPreservationModule: expected 4 stages, got {len(channels)}')
        c0 = channels[0]
        temb = 4 * c0
        self.time_embedding = TimestepEmbedding(c0, temb)
        self.conv_in_z = nn.Conv2d(latent_channels, c0, 3, padding=1)
        self.conv_in_f = nn.Conv2d(latent_channels, c0, 3, padding=1)
        self.stage_downscale = [1, 2, 4, 4]
        self.down_z = nn.ModuleList()
        self.down_f = nn.ModuleList()
        self.enc_z = nn.ModuleList()
        self.enc_f = nn.ModuleList()
        self.fusions = nn.ModuleList()
        prev = c0
        for s, ch in enumerate(channels):
            downsample = s > 0 and self.stage_downscale[s] != self.stage_downscale[s - 1]
            self.down_z.append(Downsample(prev) if downsample else nn.Identity())
            self.down_f.append(Downsample(prev) if downsample else nn.Identity())
            self.enc_z.append(ResnetBlock(prev, ch, temb))
            self.enc_f.append(ResnetBlock(prev, ch, None))
            self.fusions.append(Fusion(ch, heads, z_dim))
            prev = ch
        # decoder, deepest first: dec[3] on stage 3; dec[s] on cat(up(dec[s+1]), skip[s])
        self.dec = nn.ModuleList()
        self.up = nn.ModuleList()
        for s in range(3, -1, -1):
            if s == 3:
                self.dec.append(ResnetBlock(channels[3], channels[3], temb))
                self.up.append(nn.Identity())
            else:
                upsample = self.stage_downscale[s] != self.stage_downscale[s + 1]
                self.up.append(Upsample(channels[s + 1]) if upsample else nn.Identity())
                self.dec.append(ResnetBlock(channels[s + 1] + channels[s], channels[s], temb))
        # one zero conv per U-Net residual, fed from the decoder feature at its resolution
        self.residual_sources = [self.stage_downscale.index(d) for d in residual_downscales]
        self.zero_convs = nn.ModuleList(
            [nn.Conv2d(channels[src], ch, 1) for src, ch in zip(self.residual_sources, residual_channels)]
        )
        self.zero_conv_mid = nn.Conv2d(channels[3], residual_channels[-1], 1)
        self.zero_init_outputs()

    def zero_init_outputs(self) -> None:
        """ControlNet initialisation: the U-Net is unchanged until the DPM is trained."""
        for conv in list(self.zero_convs) + [self.zero_conv_mid]:
            nn.init.zeros_(conv.weight)
            nn.init.zeros_(conv.bias)

    def zero_conv_parameters(self) -> list[nn.Parameter]:
        out: list[nn.Parameter] = []
        for conv in list(self.zero_convs) + [self.zero_conv_mid]:
            out += [conv.weight, conv.bias]
        return out

    def forward(
        self, f_d: torch.Tensor, z_t: torch.Tensor, timestep: torch.Tensor, z_d: torch.Tensor
    ) -> tuple[torch.Tensor, ...]:
        temb = self.time_embedding(timestep)
        z = self.conv_in_z(z_t)  # timestep features: z_t stream, conditioned on t in every resnet
        f = self.conv_in_f(f_d)
        skips = []
        for s in range(4):
            z = self.enc_z[s](self.down_z[s](z), temb)
            f = self.enc_f[s](self.down_f[s](f))
            z = self.fusions[s](z, f, z_d)
            skips.append(z)
        feats: list[torch.Tensor] = [skips[3]] * 4
        x = self.dec[0](skips[3], temb)
        feats[3] = x
        for i, s in enumerate(range(2, -1, -1), start=1):
            x = self.dec[i](torch.cat([self.up[i](x), skips[s]], dim=1), temb)
            feats[s] = x
        down = tuple(conv(feats[src]) for conv, src in zip(self.zero_convs, self.residual_sources))
        return down + (self.zero_conv_mid(feats[3]),)
