"""Construct the tiny GSDiff components with deterministic random weights.

Weights come from ``numpy.random.RandomState`` (the legacy generator, whose stream numpy guarantees never to change),
one stream per component seeded with ``seed + component index``, drawn in ``named_modules`` order. They therefore do
not depend on torch's default initialisers or RNG, and are identical on torch 1.13 and 2.x.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .clip import ClipImageEncoder, ClipTextEncoder
from .config import SEED, TINY, TinyConfig
from .dpm import DetailPreservationModule
from .extractor import DegradationExtractor
from .recognizer import DegradationRecognizer
from .trn import TailRefineNetwork
from .trn_naf import NafTailRefineNetwork
from .trn_tconv import TemporalConvTailRefineNetwork
from .trn_unet import LooksUnetTailRefineNetwork
from .unet import UNet
from .vae import VaeDecoder, VaeEncoder
from .vae_s2d import SpaceToDepthDecoder, SpaceToDepthEncoder

COMPONENTS = (
    'vae_encoder',
    'vae_decoder',
    'unet',
    'dpm',
    'trn',
    'degradation_extractor',
    'clip_image_encoder',
    'clip_text_encoder',
    'degradation_recognizer',
)
ZERO_CONV_TEST_STD = 0.1  # times 1/sqrt(fan_in): small, but large enough that the golden test sees the DPM path
# Test packs: added to the recognizer's bias for label 0 ('low-dose CT noise'), so that on the golden CT window the
# pipeline's own recognition step picks that label (random logits differ by ~0.1) and the whole pipeline, prompt
# included, can be compared end to end.
RECOGNIZER_TEST_LABEL0_BIAS = 0.5


def _set(param: nn.Parameter, values: np.ndarray) -> None:
    with torch.no_grad():
        param.copy_(torch.from_numpy(values.astype(np.float32)).reshape(param.shape))


def init_random(module: nn.Module, rng: np.random.RandomState) -> None:
    """Norm scales 1 + 0.05 N, norm/linear/conv biases 0.02 N, weight matrices N / sqrt(fan_in),
    embeddings and free parameters 0.1 N."""
    for _, mod in module.named_modules():
        for name, p in mod.named_parameters(recurse=False):
            shape = tuple(p.shape)
            n = rng.standard_normal(shape)
            if isinstance(mod, (nn.GroupNorm, nn.LayerNorm)):
                _set(p, 1.0 + 0.05 * n if name == 'weight' else 0.02 * n)
            elif isinstance(mod, nn.Embedding) or not isinstance(mod, (nn.Linear, nn.Conv2d)):
                _set(p, 0.1 * n)
            elif name == 'bias':
                _set(p, 0.02 * n)
            else:
                _set(p, n / math.sqrt(int(np.prod(shape[1:]))))


def randomize_zero_convs(dpm: DetailPreservationModule, rng: np.random.RandomState) -> None:
    """Test packs only: replace the DPM's zero-initialised output convs by small random values."""
    for p in dpm.zero_conv_parameters():
        n = rng.standard_normal(tuple(p.shape))
        fan_in = int(np.prod(p.shape[1:])) if p.dim() > 1 else 1
        _set(p, ZERO_CONV_TEST_STD * n / math.sqrt(fan_in))


def vocab_size(cfg: TinyConfig) -> int:
    from .tokenizer import build_vocab, learn_merges

    return len(build_vocab(learn_merges(list(cfg.tokenizer_words))))


def construct(name: str, cfg: TinyConfig) -> nn.Module:
    if name == 'vae_encoder':
        if cfg.vae_kind == 's2d':
            return SpaceToDepthEncoder(cfg.downscale, cfg.latent_channels)
        return VaeEncoder(cfg.vae_channels, cfg.latent_channels)
    if name == 'vae_decoder':
        if cfg.vae_kind == 's2d':
            return SpaceToDepthDecoder(cfg.downscale, cfg.latent_channels)
        return VaeDecoder(cfg.vae_channels, cfg.latent_channels)
    if name == 'unet':
        return UNet(cfg.latent_channels, cfg.unet_channels, cfg.unet_layers_per_block, cfg.unet_heads, cfg.z_dim)
    if name == 'dpm':
        unet = construct('unet', cfg)
        assert isinstance(unet, UNet)
        return DetailPreservationModule(
            cfg.latent_channels,
            cfg.dpm_channels,
            cfg.dpm_heads,
            cfg.z_dim,
            unet.residual_channels(),
            unet.residual_downscales(),
        )
    if name == 'trn':
        if cfg.trn_kind == 'naf':
            return NafTailRefineNetwork(cfg.trn_channels, cfg.trn_blocks, cfg.trn_middle)
        if cfg.trn_kind == 'lunet':
            return LooksUnetTailRefineNetwork(cfg.trn_channels, cfg.trn_blocks, cfg.trn_middle, cfg.trn_radius)
        if cfg.trn_kind == 'tconv':
            return TemporalConvTailRefineNetwork(cfg.trn_depth, cfg.trn_width, cfg.trn_radius, outputs=cfg.trn_outputs)
        return TailRefineNetwork(cfg.trn_channels, cfg.trn_heads, cfg.trn_window, cfg.trn_patch)
    if name == 'degradation_extractor':
        return DegradationExtractor(cfg.embed_dim, cfg.z_tokens, cfg.z_dim)
    if name == 'clip_image_encoder':
        return ClipImageEncoder(
            cfg.clip_resolution, cfg.clip_patch, cfg.clip_width, cfg.clip_layers, cfg.clip_heads, cfg.embed_dim
        )
    if name == 'clip_text_encoder':
        return ClipTextEncoder(
            vocab_size(cfg), cfg.max_length, cfg.clip_width, cfg.clip_layers, cfg.clip_heads, cfg.embed_dim
        )
    if name == 'degradation_recognizer':
        return DegradationRecognizer(len(cfg.recognizer_labels))
    raise ValueError(f'construct: expected one of {COMPONENTS}, got {name!r}')


def build_tiny_models(seed: int = SEED, cfg: TinyConfig = TINY, test_pack: bool = True) -> dict[str, nn.Module]:
    """All components in eval mode. ``test_pack``: randomise the DPM output convs and bias the recognizer towards
    label 0 (see the constants above); False keeps the zero convs at zero, as an untrained GSDiff has them."""
    models: dict[str, nn.Module] = {}
    for index, name in enumerate(COMPONENTS):
        module = construct(name, cfg)
        init_random(module, np.random.RandomState(seed + index))
        if isinstance(module, DetailPreservationModule):
            module.zero_init_outputs()
            if test_pack:
                randomize_zero_convs(module, np.random.RandomState(seed + 1000 + index))
        if isinstance(module, DegradationRecognizer) and test_pack:
            with torch.no_grad():
                module.classifier.bias[0] += RECOGNIZER_TEST_LABEL0_BIAS
        models[name] = module.eval()
    return models
