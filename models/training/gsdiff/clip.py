"""Tiny CLIP encoders (HF ``CLIPVisionModelWithProjection`` / ``CLIPTextModelWithProjection`` layout).

- image: ``pixel_values`` [B,3,R,R] (CLIP mean/std normalised) -> patch conv, class token, positions, pre-LN,
  pre-norm transformer, post-LN of the class token, projection -> ``image_embeds`` [B,d] (not L2-normalised).
- text: ``input_ids`` int64 [B,L] -> token + position embeddings, causal pre-norm transformer, final LN, the feature
  at the EOT position (argmax of input_ids, as CLIP: <|endoftext|> has the highest id) -> projection ->
  ``text_embeds`` [B,d] (not L2-normalised).
"""

from __future__ import annotations

import torch
from torch import nn

from .layers import MASK_VALUE, Attention

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


class QuickGeluMlp(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(width, 4 * width)
        self.fc2 = nn.Linear(4 * width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.fc1(x)
        return self.fc2(h * torch.sigmoid(1.702 * h))


class EncoderLayer(nn.Module):
    def __init__(self, width: int, heads: int) -> None:
        super().__init__()
        self.layer_norm1 = nn.LayerNorm(width)
        self.self_attn = Attention(width, heads)
        self.layer_norm2 = nn.LayerNorm(width)
        self.mlp = QuickGeluMlp(width)

    def forward(self, x: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
        x = x + self.self_attn(self.layer_norm1(x), None, bias)
        return x + self.mlp(self.layer_norm2(x))


class ClipImageEncoder(nn.Module):
    def __init__(self, resolution: int, patch: int, width: int, layers: int, heads: int, embed_dim: int) -> None:
        super().__init__()
        if resolution % patch != 0:
            raise ValueError(f'ClipImageEncoder: expected resolution divisible by patch, got {resolution}, {patch}')
        self.patch_embedding = nn.Conv2d(3, width, patch, stride=patch, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(width))
        self.position_embedding = nn.Parameter(torch.zeros((resolution // patch) ** 2 + 1, width))
        self.pre_layrnorm = nn.LayerNorm(width)
        self.layers = nn.ModuleList([EncoderLayer(width, heads) for _ in range(layers)])
        self.post_layernorm = nn.LayerNorm(width)
        self.visual_projection = nn.Linear(width, embed_dim, bias=False)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.patch_embedding(pixel_values)  # [B, W, g, g]
        b, c, _, _ = x.shape
        x = x.reshape(b, c, -1).permute(0, 2, 1)
        cls = self.class_embedding.reshape(1, 1, c).expand(b, 1, c)
        x = torch.cat([cls, x], dim=1) + self.position_embedding[None]
        x = self.pre_layrnorm(x)
        for layer in self.layers:
            x = layer(x)
        return self.visual_projection(self.post_layernorm(x[:, 0]))


class ClipTextEncoder(nn.Module):
    def __init__(self, vocab_size: int, max_length: int, width: int, layers: int, heads: int, embed_dim: int) -> None:
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.position_embedding = nn.Parameter(torch.zeros(max_length, width))
        self.layers = nn.ModuleList([EncoderLayer(width, heads) for _ in range(layers)])
        self.final_layer_norm = nn.LayerNorm(width)
        self.text_projection = nn.Linear(width, embed_dim, bias=False)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        x = self.token_embedding(input_ids) + self.position_embedding[None]
        pos = torch.arange(x.shape[1])
        causal = (pos[None, :] > pos[:, None]).to(torch.float32) * MASK_VALUE  # token i sees tokens <= i
        for layer in self.layers:
            x = layer(x, causal[None, None])
        x = self.final_layer_norm(x)
        # EOT position = argmax of the ids (first occurrence); argmax on float: exact for ids < 2**24
        eot = torch.argmax(input_ids.to(torch.float32), dim=-1)  # [B]
        index = eot[:, None, None].expand(-1, 1, x.shape[-1])
        pooled = torch.gather(x, 1, index)[:, 0]
        return self.text_projection(pooled)
