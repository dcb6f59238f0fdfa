"""ONNX export with the pack contract's names and dynamic axes (opset 17, TorchScript exporter on torch 1.13/2.x)."""

from __future__ import annotations

import inspect
from pathlib import Path

import torch
from torch import nn

OPSET = 17


def export(
    module: nn.Module,
    args: tuple,
    path: Path,
    input_names: list[str],
    output_names: list[str],
    dynamic_axes: dict[str, dict[int, str]],
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs = dict(
        input_names=input_names,
        output_names=output_names,
        dynamic_axes=dynamic_axes,
        opset_version=OPSET,
        do_constant_folding=True,
    )
    if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
        kwargs['dynamo'] = False  # torch >= 2.9 defaults to the dynamo exporter (needs onnxscript)
    with torch.no_grad():
        torch.onnx.export(module, args, str(path), **kwargs)


def compact_tensor_names(path: Path) -> None:
    """Rename intermediate tensors to short ids (t0, t1, ...), keeping node names (module paths, for debugging),
    graph inputs/outputs and initializers. The exporter's names repeat the module path in every tensor name and
    make up most of a small graph's bytes."""
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    if any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS) for n in graph.node for a in n.attribute):
        raise RuntimeError(f'compact_tensor_names: expected no subgraphs in {path}')
    keep = {v.name for v in graph.input} | {v.name for v in graph.output} | {i.name for i in graph.initializer}
    mapping: dict[str, str] = {}

    def short(name: str) -> str:
        if not name or name in keep:
            return name
        if name not in mapping:
            mapping[name] = f't{len(mapping)}'
        return mapping[name]

    for node in graph.node:
        node.input[:] = [short(n) for n in node.input]
        node.output[:] = [short(n) for n in node.output]
    for vi in graph.value_info:
        vi.name = short(vi.name)
    onnx.save(model, str(path))
