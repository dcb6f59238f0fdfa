#!/usr/bin/python3
"""Build the tiny GSDiff test pack (random weights, fixed seed) and write it per models/README.md, pack format 1.

    /usr/bin/python3 models/training/export_tiny_pack.py [--out models/packs/tiny-test] [--seed 20260101]
        [--verify-dir DIR]

Stages: 1. build the torch modules from the seed; 2. export every component to ONNX (opset 17) with the contract's
names and dynamic axes; 3. check every graph (onnx.checker, names, dtypes) and run every module in torch at two
sizes; 4. write scheduler, tokenizer and labels; 5. write model_index.json with the sha256 of every file.
``--verify-dir`` also writes, per component, inputs and torch outputs at two sizes (little-endian .bin + a
manifest.json) so that another runtime (onnxruntime-node) can check the graphs against torch.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsdiff import jsonfmt  # noqa: E402
from gsdiff.build import COMPONENTS, build_tiny_models  # noqa: E402
from gsdiff.config import SEED, TINY, TinyConfig  # noqa: E402
from gsdiff.onnx_io import OPSET, compact_tensor_names, export  # noqa: E402
from gsdiff.scheduler import scheduler_config  # noqa: E402
from gsdiff.tokenizer import write_tokenizer_files  # noqa: E402
from gsdiff.unet import UNet, UNetOnnx  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / 'models' / 'packs' / 'tiny-test'
RESIDUAL_PREFIX = 'down_block_additional_residual_'
MID_RESIDUAL = 'mid_block_additional_residual'
ONNX_TYPES = {onnx.TensorProto.FLOAT: 'float32', onnx.TensorProto.INT64: 'int64', onnx.TensorProto.INT32: 'int32'}


@dataclass
class Spec:
    name: str
    module: nn.Module
    inputs: dict[str, tuple[torch.dtype, dict[int, str]]]  # name -> (dtype, dynamic axes)
    outputs: dict[str, dict[int, str]]
    make_inputs: object  # (variant: int, generator) -> tuple of tensors; variant 0 = export size, 1 = other size


def residual_names(unet: UNet) -> list[str]:
    return [f'{RESIDUAL_PREFIX}{i}' for i in range(len(unet.residual_channels()))] + [MID_RESIDUAL]


def residual_shapes(unet: UNet, b: int, h: int, w: int) -> list[tuple[int, ...]]:
    chans, scales = unet.residual_channels(), unet.residual_downscales()
    shapes = [(b, c, -(-h // s), -(-w // s)) for c, s in zip(chans, scales)]
    return shapes + [(b, chans[-1], -(-h // scales[-1]), -(-w // scales[-1]))]


def specs(models: dict[str, nn.Module], cfg: TinyConfig) -> list[Spec]:
    unet = models['unet']
    assert isinstance(unet, UNet)
    c, k, r, f = cfg.latent_channels, cfg.frames, cfg.clip_resolution, cfg.downscale
    gh, gw = cfg.grid_height, cfg.grid_width
    sizes = [(1, gh // f, gw // f), (2, 8, 16)]  # (batch, latent h, latent w)
    img = {0: 'batch', 2: 'height', 3: 'width'}
    lat = {0: 'batch', 2: 'latent_height', 3: 'latent_width'}
    res_names = residual_names(unet)
    res_axes = {n: {0: 'batch', 2: f'{n}_height', 3: f'{n}_width'} for n in res_names}
    f32, i64 = torch.float32, torch.int64

    def rn(g: torch.Generator, *shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=g)

    def residuals(g: torch.Generator, b: int, h: int, w: int) -> tuple[torch.Tensor, ...]:
        return tuple(0.1 * rn(g, *s) for s in residual_shapes(unet, b, h, w))

    def timesteps(g: torch.Generator, b: int) -> torch.Tensor:
        return torch.randint(1, 1000, (b,), generator=g)

    def ids(g: torch.Generator, b: int) -> torch.Tensor:
        vocab = models['clip_text_encoder'].token_embedding.num_embeddings  # type: ignore[union-attr]
        out = torch.full((b, cfg.max_length), vocab - 1, dtype=torch.int64)
        for i in range(b):
            n = 3 + 4 * i
            out[i, 0] = vocab - 2
            out[i, 1 : n + 1] = torch.randint(0, vocab - 2, (n,), generator=g)
        return out

    return [
        Spec('vae_encoder', models['vae_encoder'], {'sample': (f32, img)}, {'latent_sample': lat},
             lambda v, g: (rn(g, sizes[v][0], 3, sizes[v][1] * f, sizes[v][2] * f),)),
        Spec('vae_decoder', models['vae_decoder'], {'latent_sample': (f32, lat)}, {'sample': img},
             lambda v, g: (rn(g, sizes[v][0], c, sizes[v][1], sizes[v][2]),)),
        Spec('unet', UNetOnnx(unet),
             {'sample': (f32, lat), 'timestep': (i64, {0: 'batch'}),
              'encoder_hidden_states': (f32, {0: 'batch', 1: 'sequence'}),
              **{n: (f32, res_axes[n]) for n in res_names}},
             {'out_sample': lat},
             lambda v, g: (rn(g, sizes[v][0], c, sizes[v][1], sizes[v][2]), timesteps(g, sizes[v][0]),
                           rn(g, sizes[v][0], cfg.z_tokens + v, cfg.z_dim)) + residuals(g, *sizes[v])),
        Spec('dpm', models['dpm'],
             {'f_d': (f32, lat), 'z_t': (f32, lat), 'timestep': (f32, {0: 'batch'}),
              'z_d': (f32, {0: 'batch', 1: 'sequence'})},
             {n: res_axes[n] for n in res_names},
             lambda v, g: (rn(g, sizes[v][0], c, sizes[v][1], sizes[v][2]),
                           rn(g, sizes[v][0], c, sizes[v][1], sizes[v][2]),
                           timesteps(g, sizes[v][0]).to(torch.float32),
                           rn(g, sizes[v][0], cfg.z_tokens + v, cfg.z_dim))),
        Spec('trn', models['trn'], {'frames': (f32, {0: 'batch', 3: 'height', 4: 'width'})},
             {'refined': {0: 'batch', 3: 'height', 4: 'width'}},
             lambda v, g: (rn(g, 1, k, 3, cfg.tile, cfg.tile) if v == 0
                           else rn(g, 2, k, 3, 16 * cfg.trn_patch, 24 * cfg.trn_patch),)),
        Spec('degradation_extractor', models['degradation_extractor'],
             {'image_embeds': (f32, {0: 'batch'}), 'text_embeds': (f32, {0: 'batch'})}, {'z_d': {0: 'batch'}},
             lambda v, g: (rn(g, 1 + v, cfg.embed_dim), rn(g, 1 + v, cfg.embed_dim))),
        Spec('clip_image_encoder', models['clip_image_encoder'], {'pixel_values': (f32, {0: 'batch'})},
             {'image_embeds': {0: 'batch'}}, lambda v, g: (rn(g, 9 if v == 0 else 2, 3, r, r),)),
        Spec('clip_text_encoder', models['clip_text_encoder'], {'input_ids': (i64, {0: 'batch'})},
             {'text_embeds': {0: 'batch'}}, lambda v, g: (ids(g, 1 + v),)),
        Spec('degradation_recognizer', models['degradation_recognizer'], {'pixel_values': (f32, {0: 'batch'})},
             {'logits': {0: 'batch'}}, lambda v, g: (rn(g, 1 + v, 3, r, r),)),
    ]  # fmt: skip


def signature(path: Path) -> dict[str, list[dict[str, object]]]:
    """Input/output names, dtypes and shapes (ints, or the dynamic axis names) of an ONNX graph."""
    model = onnx.load(str(path))

    def describe(values) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
        out = []
        for v in values:
            t = v.type.tensor_type
            dims = [d.dim_param if d.dim_param else d.dim_value for d in t.shape.dim]
            out.append({'name': v.name, 'dtype': ONNX_TYPES.get(t.elem_type, str(t.elem_type)), 'shape': dims})
        return out

    return {'inputs': describe(model.graph.input), 'outputs': describe(model.graph.output)}


def check_graph(spec: Spec, path: Path) -> dict[str, list[dict[str, object]]]:
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    sig = signature(path)
    got_in = [(s['name'], s['dtype']) for s in sig['inputs']]
    want_in = [(n, str(dt).replace('torch.', '')) for n, (dt, _) in spec.inputs.items()]
    if got_in != want_in:
        raise RuntimeError(f'check_graph: {spec.name}: expected inputs {want_in}, got {got_in}')
    got_out = [s['name'] for s in sig['outputs']]
    if got_out != list(spec.outputs):
        raise RuntimeError(f'check_graph: {spec.name}: expected outputs {list(spec.outputs)}, got {got_out}')
    return sig


def as_tuple(x: object) -> tuple[torch.Tensor, ...]:
    return x if isinstance(x, tuple) else (x,)  # type: ignore[return-value]


def write_tensor(folder: Path, stem: str, t: torch.Tensor) -> dict[str, object]:
    arr = t.detach().cpu().numpy()
    dtype = {np.dtype('float32'): '<f4', np.dtype('int64'): '<i8'}[arr.dtype]
    (folder / f'{stem}.bin').write_bytes(arr.astype(dtype).tobytes())
    return {'file': f'{stem}.bin', 'dtype': str(arr.dtype), 'shape': list(arr.shape)}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', type=Path, default=DEFAULT_OUT)
    parser.add_argument('--seed', type=int, default=SEED)
    parser.add_argument('--verify-dir', type=Path, default=None)
    args = parser.parse_args()
    cfg = TINY
    out: Path = args.out
    if out.exists():
        if any(out.iterdir()) and not (out / 'model_index.json').exists():
            raise SystemExit(f'export_tiny_pack: expected an empty folder or an existing pack at {out}')
        shutil.rmtree(out)
    out.mkdir(parents=True)
    torch.set_num_threads(min(2, torch.get_num_threads()))

    # 1. modules
    models = build_tiny_models(args.seed, cfg)

    # 2.-3. export and check every component
    signatures: dict[str, object] = {}
    verify: dict[str, object] = {}
    for spec in specs(models, cfg):
        g = torch.Generator().manual_seed(args.seed)
        example = spec.make_inputs(0, g)  # type: ignore[operator]
        path = out / spec.name / 'model.onnx'
        dyn = {n: axes for n, (_, axes) in spec.inputs.items()} | dict(spec.outputs)
        export(spec.module, example, path, list(spec.inputs), list(spec.outputs), dyn)
        compact_tensor_names(path)
        signatures[spec.name] = check_graph(spec, path)
        runs = []
        for variant in (0, 1):
            g = torch.Generator().manual_seed(args.seed + 17 * (variant + 1))
            inputs = spec.make_inputs(variant, g)  # type: ignore[operator]
            with torch.no_grad():
                outputs = as_tuple(spec.module(*inputs))
            if any(not torch.isfinite(o).all() for o in outputs):
                raise RuntimeError(f'export_tiny_pack: {spec.name}: non-finite torch output')
            if args.verify_dir is not None:
                folder = args.verify_dir / spec.name
                folder.mkdir(parents=True, exist_ok=True)
                runs.append({
                    'inputs': {n: write_tensor(folder, f'v{variant}_in_{n}', t) for n, t in zip(spec.inputs, inputs)},
                    'outputs': {n: write_tensor(folder, f'v{variant}_out_{n}', t)
                                for n, t in zip(spec.outputs, outputs)},
                })  # fmt: skip
        verify[spec.name] = runs
        print(f'{spec.name}: {path.stat().st_size} bytes, ok')
    if args.verify_dir is not None:
        (args.verify_dir / 'manifest.json').write_text(json.dumps(verify, indent=1) + '\n')

    # 4. scheduler, tokenizer, labels
    (out / 'scheduler').mkdir()
    (out / 'scheduler' / 'scheduler_config.json').write_text(jsonfmt.dumps(scheduler_config()))
    write_tokenizer_files(out / 'tokenizer', list(cfg.tokenizer_words), cfg.max_length)
    (out / 'degradation_recognizer' / 'labels.json').write_text(jsonfmt.dumps(list(cfg.recognizer_labels)))

    # 5. model_index.json
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob('*') if p.is_file())
    index = {
        '_class_name': 'GSDiffPipeline',
        'format_version': 1,
        'name': 'gsdiff-tiny-test',
        'version': '0.1.0',
        'components': {name: f'{name}/model.onnx' for name in COMPONENTS},
        'tokenizer': {'vocab': 'tokenizer/vocab.json', 'merges': 'tokenizer/merges.txt', 'max_length': cfg.max_length},
        'recognizer_labels': 'degradation_recognizer/labels.json',
        'scheduler': 'scheduler/scheduler_config.json',
        'files': {name: sha256(out / name) for name in files},
        'tile': {'height': cfg.tile, 'width': cfg.tile},
        'grid': {'rows': cfg.grid_rows, 'cols': cfg.grid_cols},
        'latent': {'channels': cfg.latent_channels, 'downscale': cfg.downscale, 'scaling_factor': cfg.scaling_factor},
        'mapping': {'ct': {'low_hu': -1024, 'high_hu': 3071}, 'rgb': {'scale': 127.5, 'offset': -1}},
        'defaults': {'steps': 20, 'strength': 1.0, 'eta': 0.0, 'window_stride': 6, 'tile_overlap': 8},
        'prompts': {
            'recognition': 'What kinds of degradation types are in this image?',
            'template': 'Please remove the [degradation] from this image or video',
        },
    }
    (out / 'model_index.json').write_text(jsonfmt.dumps(index))
    total = sum((out / name).stat().st_size for name in files) + (out / 'model_index.json').stat().st_size
    print(f'pack: {out} ({total} bytes, opset {OPSET}, torch {torch.__version__})')
    for name, sig in signatures.items():
        for kind in ('inputs', 'outputs'):
            for t in sig[kind]:  # type: ignore[index]
                print(f"  {name} {kind[:-1]} {t['name']} {t['dtype']} {t['shape']}")


if __name__ == '__main__':
    main()
