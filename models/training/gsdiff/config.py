"""Sizes of the tiny test pack. Real packs change these numbers, not the module code."""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class TinyConfig:
    name: str = 'gsdiff-tiny-test'
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
    # VAE: 'sd' = SD-style (AutoencoderKL layout), 's2d' = lossless space-to-depth (vae_s2d.py)
    vae_kind: str = 'sd'
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
    trn_patch: int = 1  # 1: full-resolution stem; 2: Swin patch embedding (half resolution inside the TRN)
    trn_kind: str = 'swin'  # 'swin': trn.py (Swin window attention); 'naf': trn_naf.py (NAFNet blocks, full resolution);
    # 'tconv': trn_tconv.py (each frame and its trn_radius neighbours as input channels of a trn_depth x trn_width conv stack)
    # 'lunet': trn_unet.py (the same neighbourhood into a residual U-Net of trn_channels / trn_blocks / trn_middle; RGB video)
    trn_blocks: tuple[int, ...] = (1, 1, 1)  # naf: blocks per encoder (and decoder) level
    trn_middle: int = 1  # naf: blocks at the lowest level
    trn_depth: int = 8  # tconv: conv layers
    trn_width: int = 48  # tconv: channels of the hidden convs
    trn_radius: int = 2  # tconv: neighbours on either side of each frame
    trn_outputs: int = 1  # tconv: noise outputs (2: train.py --own-noise, the reference's own noise kept / removed)
    # CLIP
    clip_width: int = 32
    clip_layers: int = 2
    clip_heads: int = 2
    clip_patch: int = 8
    # CT value window mapped to [-1, 1] (models/README.md "Value mapping")
    ct_low_hu: float = -1024.0
    ct_high_hu: float = 3071.0
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

# The compact trained pack (issue "Step 3"), sized for training on 2 CPU cores: 64x64 tiles at inference (a 192x192
# grid; trained on 32x32 crops, every graph is fully convolutional or windowed); a lossless space-to-depth VAE of
# factor 8 (192 latent channels, vae_s2d.py); a U-Net whose first level (128) is wide enough to predict noise in the
# latent (a 32-wide one could not; a CT latent holds 64 distinct values per cell, its 3 channels being copies; 192 cost
# the most of a CPU window, issue "Step 9"), with self-attention over the whole grid latent at its top two levels and the
# mid block (24x24 = 576 tokens at level 0 at inference); a TRN behind a 2x2 patch embedding (windows of 9 frames x
# 4 x 4 patches = 144 tokens over 8 x 8 pixels), a quarter of the full-resolution TRN's cost (issue "Step 9").
GSDIFF_S = TinyConfig(
    name='gsdiff-s',
    tile=64,
    latent_channels=192,
    downscale=8,
    embed_dim=64,
    z_tokens=4,
    z_dim=64,
    clip_resolution=64,
    vae_kind='s2d',
    unet_channels=(128, 96, 96),
    unet_heads=4,
    dpm_channels=(48, 48, 64, 96),
    dpm_heads=4,
    trn_channels=(16, 32),
    trn_heads=2,
    trn_window=4,
    trn_patch=2,
    clip_width=64,
    clip_layers=2,
    clip_heads=4,
    clip_patch=8,
    ct_low_hu=-1024.0,
    ct_high_hu=1024.0,
    tokenizer_words=TinyConfig().tokenizer_words + ('a', 'sharp', 'kernel', 'and'),
)
# Ablation: the same model without grid splicing (one frame per window).
GSDIFF_S_1X1 = replace(GSDIFF_S, name='gsdiff-s-1x1', grid_rows=1, grid_cols=1)
# issue "Step 12": capacity in the TRN (NAFNet U-Net over the 9 frames at full resolution, temporal fusion per level)
GSDIFF_N = replace(GSDIFF_S, name='gsdiff-n', trn_kind='naf', trn_channels=(24, 48, 96), trn_blocks=(1, 1, 1), trn_middle=1)
# issue "Step 12", the measured choice after gsdiff-n: the TRN as a multi-frame DnCNN (frame +- 2 neighbours in, full
# resolution, 8 x 48), which can start from the trained single-frame DnCNN (trn_tconv.from_single_frame)
GSDIFF_T = replace(GSDIFF_S, name='gsdiff-t', trn_kind='tconv', trn_depth=8, trn_width=48, trn_radius=2)
# gsdiff-t with a second TRN output trained on targets without the reference's own noise (gsdiff/own_noise.py); the
# pack's strength mixes the two (trn_tconv.mixed)
GSDIFF_T2 = replace(GSDIFF_T, name='gsdiff-t2', trn_outputs=2)
# gsdiff-t2 four convs deeper (12 x 48: receptive field 17 -> 25 px), grown from a trained gsdiff-t2 TRN with the new
# convs as identities (trn_tconv.deepened, train.py --init-trn): gsdiff-t2's curve is flat, its body is the limit
GSDIFF_T3 = replace(GSDIFF_T2, name='gsdiff-t3', trn_depth=12)
# issue "Step 12", item 5: the pack's RGB (capsule) TRN, a multi-frame residual U-Net over each frame's +- 2 neighbours
# (trn_unet.py; a receptive field for 3-25 px motion blur); trained alone on capsule windows of 5 frames, the loss on
# the centre frame (train.py stage trn), exported as the pack's trn_frame.rgb graph (export_pack.py --rgb-trn)
GSDIFF_T_RGB = replace(
    GSDIFF_T, name='gsdiff-t-rgb', trn_kind='lunet', trn_channels=(16, 32, 64, 128), trn_blocks=(1, 1, 2, 1),
    trn_middle=2, trn_radius=2, grid_rows=1, grid_cols=5,
)  # fmt: skip
CONFIGS = {c.name: c for c in (TINY, GSDIFF_S, GSDIFF_S_1X1, GSDIFF_N, GSDIFF_T, GSDIFF_T2, GSDIFF_T3, GSDIFF_T_RGB)}
SEED = 20260101
