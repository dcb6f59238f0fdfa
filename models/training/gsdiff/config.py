"""Sizes of the tiny test pack. Real packs change these numbers, not the module code."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TinyConfig:
    # grid splicing
    tile: int = 32  # one frame cell, pixels
    grid_rows: int = 3
    grid_cols: int = 3
    # latent space
    latent_channels: int = 4
    downscale: int = 8
    scaling_factor: float = 0.18215
    # conditioning
    embed_dim: int = 32  # d: CLIP image/text embedding
    z_tokens: int = 4  # S
    z_dim: int = 32  # D (U-Net cross-attention dim)
    clip_resolution: int = 32  # R
    max_length: int = 77  # L
    # VAE
    vae_channels: tuple[int, ...] = (8, 16, 16, 16)
    # U-Net: CrossAttnDown, CrossAttnDown, Down / Up, CrossAttnUp, CrossAttnUp; one resnet per down level
    unet_channels: tuple[int, ...] = (16, 16, 32)
    unet_layers_per_block: int = 1
    unet_heads: int = 2
    # DPM: four stages (the last one without downsampling, as the U-Net's last down block)
    dpm_channels: tuple[int, ...] = (16, 16, 16, 24)
    dpm_heads: int = 2
    # TRN: two stages at tiny size (paper: four), window = (all k frames) x ws x ws
    trn_channels: tuple[int, ...] = (16, 32)
    trn_heads: int = 2
    trn_window: int = 4
    # CLIP
    clip_width: int = 32
    clip_layers: int = 2
    clip_heads: int = 2
    clip_patch: int = 8
    # degradation recognizer
    recognizer_labels: tuple[str, ...] = ('low-dose CT noise', 'motion blur', 'no visible degradation')
    # tokenizer: the words that BPE merges are learned for (each becomes one token)
    tokenizer_words: tuple[str, ...] = field(
        default=(
            'please', 'remove', 'the', 'from', 'this', 'image', 'or', 'video',
            'low', 'dose', 'ct', 'noise', 'motion', 'blur', 'no', 'visible', 'degradation',
        )
    )  # fmt: skip

    @property
    def frames(self) -> int:
        return self.grid_rows * self.grid_cols

    @property
    def grid_height(self) -> int:
        return self.tile * self.grid_rows

    @property
    def grid_width(self) -> int:
        return self.tile * self.grid_cols


TINY = TinyConfig()
SEED = 20260101
