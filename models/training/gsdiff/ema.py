"""An exponential moving average of a run's weights, the copy that evaluation and export use when a run keeps one.

Why: a constant-rate run's iterates swing on the held-out slab (the DnCNN lost 0.8 dB and the TRN 1.9 dB between two
checkpoints while their training loss fell, docs/RESULTS.md, Step 12 session 2), so where a budget happens to stop
decided the figure. The average over the last ~1 / (1 - decay) steps does not depend on that (Polyak averaging, as
diffusers' EMAModel keeps for its UNets). The decay warms up as min(decay, (1 + n) / (10 + n)) over the n updates
since the average began, so a fresh average is not dominated by the weights it started from.
"""

from __future__ import annotations

import torch


class WeightAverage:
    def __init__(self, models: dict[str, torch.nn.Module], decay: float, saved: dict | None = None,
                 updates: int = 0) -> None:  # fmt: skip
        if not 0.0 < decay < 1.0:
            raise SystemExit(f'train: --ema expected a decay in (0, 1), got {decay}')
        self.decay, self.updates = decay, updates
        self.shadow: dict[str, dict[str, torch.Tensor]] = {}
        for name, m in models.items():
            own = {k: v.detach().clone().float() for k, v in m.state_dict().items() if v.is_floating_point()}
            if saved is not None and name in saved:
                stored = saved[name]
                if set(stored) != set(own):
                    raise SystemExit(f'train: the saved weight average of {name} has other tensors than the model')
                own = {k: stored[k].detach().clone().float() for k in own}
            self.shadow[name] = own

    @torch.no_grad()
    def update(self, models: dict[str, torch.nn.Module]) -> None:
        self.updates += 1
        d = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for name, m in models.items():
            shadow = self.shadow[name]
            for k, v in m.state_dict().items():
                if k in shadow:
                    shadow[k].mul_(d).add_(v.detach().float(), alpha=1 - d)

    def state(self) -> dict[str, dict[str, torch.Tensor]]:
        return {name: {k: v.clone() for k, v in s.items()} for name, s in self.shadow.items()}


def averaged_weights(checkpoint: dict, name: str, use_average: bool = True) -> dict[str, torch.Tensor]:
    """The weights of component ``name`` to evaluate or export: the run's average when it keeps one (and
    ``use_average``), else its last iterate; tensors the average leaves out (integer buffers) come from the iterate."""
    raw = dict(checkpoint['models'][name])
    average = (checkpoint.get('ema') or {}).get(name)
    if use_average and average is not None:
        raw.update({k: v.to(raw[k].dtype) for k, v in average.items()})
    return raw
