"""Degradation recognizer, tiny stand-in for the paper's VLM step: a small CNN classifier over K labels.

``pixel_values`` [B,3,R,R] (CLIP mean/std normalised, like the CLIP image encoder) -> ``logits`` [B,K]; the label
strings are ``degradation_recognizer/labels.json`` and fill the prompt template.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class DegradationRecognizer(nn.Module):
    def __init__(self, num_labels: int, width: int = 16) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, width // 2, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(width // 2, width, 3, stride=2, padding=1)
        self.classifier = nn.Linear(width, num_labels)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        h = F.silu(self.conv2(F.silu(self.conv1(pixel_values))))
        return self.classifier(h.mean(dim=(2, 3)))
