"""RED-CNN baseline (Chen et al., "Low-Dose CT With a Residual Encoder-Decoder Convolutional Neural Network",
IEEE TMI 2017): five 5x5 conv layers (no padding) and five 5x5 transposed convs, 96 filters, ReLU, three residual
shortcuts (input -> output, conv2 -> deconv4, conv4 -> deconv2). Ours: 32 filters instead of 96 (a tenth of the
compute; the paper's size costs about 1.2 TFLOP per 512x512 slice, minutes per series on 2 CPU cores), and no ReLU on
the output (the model range is [-1, 1], not non-negative). Exported as the ``denoiser`` of a
``DenoiserPipeline`` pack: ``frames`` [B, 3, H, W] model range -> ``restored`` [B, 3, H, W].
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class RedCnn(nn.Module):
    def __init__(self, channels: int = 3, filters: int = 32) -> None:
        super().__init__()
        self.convs = nn.ModuleList([nn.Conv2d(channels if i == 0 else filters, filters, 5) for i in range(5)])
        self.deconvs = nn.ModuleList(
            [nn.ConvTranspose2d(filters, channels if i == 4 else filters, 5) for i in range(5)]
        )

    def forward(self, frames: torch.Tensor) -> torch.Tensor:
        residual_1 = frames
        x = F.relu(self.convs[0](frames))
        x = F.relu(self.convs[1](x))
        residual_2 = x
        x = F.relu(self.convs[2](x))
        x = F.relu(self.convs[3](x))
        residual_3 = x
        x = F.relu(self.convs[4](x))
        x = deconv(self.deconvs[0], x) + residual_3
        x = deconv(self.deconvs[1], F.relu(x))
        x = deconv(self.deconvs[2], F.relu(x)) + residual_2
        x = deconv(self.deconvs[3], F.relu(x))
        x = deconv(self.deconvs[4], F.relu(x)) + residual_1
        return x


def deconv(layer: nn.ConvTranspose2d, x: torch.Tensor) -> torch.Tensor:
    """The stride-1, unpadded transposed conv as the conv it equals: padding k - 1 and the kernel flipped, in and out
    channels swapped. Same weights (the state dict keeps the ConvTranspose2d layout) and the same output up to float
    rounding; why: torch's CPU ConvTranspose2d is ~25x slower than Conv2d here (torch 1.13 without MKL, 0.79 s against
    0.03 s forward for 16 x 32 x 48 x 48), which made RED-CNN the slowest baseline per step."""
    if torch.onnx.is_in_onnx_export():
        return layer(x)  # the pack keeps onnxruntime's ConvTranspose: the same graph as before, no flip at run time
    k = layer.kernel_size[0]
    weight = layer.weight.transpose(0, 1).flip(2, 3)
    return F.conv2d(x, weight, layer.bias, padding=k - 1)
