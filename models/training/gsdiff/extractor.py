"""Degradation Extractor (trained in GSDiff): Z_d = MLP([F_I ; F_T]) reshaped to S tokens of width D.

``image_embeds`` [B,d], ``text_embeds`` [B,d] -> ``z_d`` [B,S,D]. The final LayerNorm per token is ours (keeps the
U-Net's cross-attention context at unit scale).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class DegradationExtractor(nn.Module):
    def __init__(self, embed_dim: int, tokens: int, token_dim: int, hidden: int = 64) -> None:
        super().__init__()
        self.tokens = tokens
        self.token_dim = token_dim
        self.fc1 = nn.Linear(2 * embed_dim, hidden)
        self.fc2 = nn.Linear(hidden, tokens * token_dim)
        self.norm = nn.LayerNorm(token_dim)

    def forward(self, image_embeds: torch.Tensor, text_embeds: torch.Tensor) -> torch.Tensor:
        h = self.fc2(F.gelu(self.fc1(torch.cat([image_embeds, text_embeds], dim=-1))))
        return self.norm(h.reshape(h.shape[0], self.tokens, self.token_dim))
