#!/usr/bin/python3
"""Export trained checkpoints (train.py) to a model pack (models/README.md, format 1).

    /usr/bin/python3 models/training/export_pack.py --run .cache/runs/gsdiff-s --out models/packs/gsdiff-s
    /usr/bin/python3 models/training/export_pack.py --redcnn .cache/runs/redcnn --out .cache/packs/redcnn
    /usr/bin/python3 models/training/export_pack.py --dncnn .cache/runs/dncnn --out .cache/packs/dncnn

A GSDiff pack takes ``aux.pt`` (CLIP encoders, recognizer), ``vae.pt`` and ``joint.pt`` (U-Net, DPM, extractor,
TRN) from the run folder; every graph is exported with the contract's names and dynamic axes, checked with
onnx.checker, and run in torch at two sizes. A RED-CNN or DnCNN run becomes a ``DenoiserPipeline`` pack (DnCNN:
BatchNorm, if trained with it, folded into the convs; the graph checked to hold only convs, ReLU and the residual), with
the value mapping of the config it was trained with.
Provenance (steps, minutes, seeds, data, torch version) goes into model_index.json's ``training`` object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import onnx
import torch

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_tiny_pack import Spec, as_tuple, check_graph, sha256, specs  # noqa: E402
from gsdiff import jsonfmt  # noqa: E402
from gsdiff.build import COMPONENTS, construct  # noqa: E402
from gsdiff.config import CONFIGS, TinyConfig  # noqa: E402
from gsdiff.dncnn import fold_batch_norm, from_checkpoint  # noqa: E402
from gsdiff.ema import averaged_weights  # noqa: E402
from gsdiff.fuse_attention import fuse_attention_file  # noqa: E402
from gsdiff.onnx_io import compact_tensor_names, export  # noqa: E402
from gsdiff.redcnn import RedCnn  # noqa: E402
from gsdiff.scheduler import scheduler_config  # noqa: E402
from gsdiff.tokenizer import write_tokenizer_files  # noqa: E402
from gsdiff.trn_tconv import CentreFrameTrn, TemporalConvTailRefineNetwork, mixed  # noqa: E402

STRENGTH_NAMES = ('low', 'medium', 'high')
# the per-frame TRN graph of each strength (model_index trn_frame.strengths); medium is the plain trn_frame
STRENGTH_COMPONENT = {'low': 'trn_frame_low', 'medium': 'trn_frame', 'high': 'trn_frame_high'}
# the RGB TRN's blend with the input per strength (trn_frame.rgb.weights): no stronger deblurring is trained than the
# network's own output, so high is medium; low keeps half of the input
RGB_WEIGHTS = {'low': 0.5, 'medium': 1.0, 'high': 1.0}

# Inference defaults: a 10-step DDIM schedule entered at strength 0.1, i.e. one step at t = 1, with a deterministic
# start (start_noise 0: z_t = sqrt(abar_t) f_d, no noise drawn), the path L_rec trained (train.py T_REC = 10). With
# noise drawn, the compact U-Net would have to predict it through its 32-channel first level from a 192-channel latent
# (measured: L_diff stays at 1.0); what it cannot predict passes into V_r as about 20 HU of new noise at t = 1.
DEFAULTS = {'steps': 10, 'strength': 0.1, 'start_noise': 0.0, 'eta': 0.0, 'tile_overlap': 8}


def provenance(run: Path, stages: list[str], trn_run: Path | None = None) -> dict:
    out: dict = {}
    for stage in stages:
        folder = trn_run if stage == 'trn' and trn_run is not None else run
        state = torch.load(folder / f'{stage}.pt', map_location='cpu')
        cfg_file = folder / f'{stage}.config.json'
        out[stage] = {
            'steps': state['step'],
            'minutes': round(state['elapsed_s'] / 60, 1),
            'seed': state['seed'],
            'torch': state['torch'],
            'train': state['train'],
            # every session that trained it (date, hardware, steps): the cumulative campaign behind the pack
            # keyed by number: jsonfmt (prettier's layout) writes no arrays of objects
            **(
                {'sessions': {str(i + 1): v for i, v in enumerate(state['extra']['sessions'])}}
                if 'sessions' in state.get('extra', {})
                else {}
            ),
            **({'settings': json.loads(cfg_file.read_text())} if cfg_file.exists() else {}),
            # a stage started from another run's weights (train.py --init-trn): that run's steps and minutes
            **({'init': state['extra']['init']} if 'init' in state.get('extra', {}) else {}),
            # the exported weights: the run's moving average (gsdiff/ema.py) from that step on, or its last iterate
            'weights': {'average': {'decay': state['ema_decay'], 'from_step': state['extra'].get('ema_from_step')}}
            if state.get('ema')
            else 'last-iterate',
            **({'frozen_trn_from': state['extra']['trn_from']} if 'trn_from' in state.get('extra', {}) else {}),
        }
        chain = lineage(state.get('extra', {}).get('init'))
        if chain:
            # the campaign's compute behind these weights: this run plus every run it was grown from
            out[stage]['cumulative'] = {
                'steps': state['step'] + sum(c['step'] for c in chain),
                'minutes': round(state['elapsed_s'] / 60 + sum(c['minutes'] for c in chain), 1),
                'from': ' <- '.join(f"{c['stage']} {c.get('config', '')} {c['step']} steps".replace('  ', ' ') for c in chain),
            }
    return out


def lineage(init: dict | None) -> list[dict]:
    """The runs a stage was grown from (train.py --init-trn records each one's own init), nearest first."""
    chain = []
    while init:
        chain.append(init)
        init = init.get('init')
    return chain


def fresh_out(out: Path) -> None:
    if out.exists():
        if any(out.iterdir()) and not (out / 'model_index.json').exists():
            raise SystemExit(f'export_pack: expected an empty folder or an existing pack at {out}')
        shutil.rmtree(out)
    out.mkdir(parents=True)


def files_map(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): sha256(p) for p in sorted(out.rglob('*')) if p.is_file()}


def load_trn_outputs(trn_run: Path) -> TemporalConvTailRefineNetwork | None:
    """The run's TRN when it has several outputs (config gsdiff-t2, train.py --own-noise), else None."""
    state = torch.load(trn_run / 'trn.pt', map_location='cpu')
    cfg = CONFIGS[state['config']]
    if cfg.trn_outputs == 1:
        return None
    trn = TemporalConvTailRefineNetwork(cfg.trn_depth, cfg.trn_width, cfg.trn_radius, outputs=cfg.trn_outputs)
    trn.load_state_dict(averaged_weights(state, 'trn'))
    return trn.eval()


def export_gsdiff(run: Path, out: Path, cfg: TinyConfig, version: str, trn_run: Path | None = None,
                  start_timestep: str | None = None, trn_mix: float | None = None,
                  trn_strengths: dict[str, float] | None = None, rgb_run: Path | None = None,
                  rgb_weights: dict[str, float] | None = None, rgb_diffusion: bool = True,
                  ct_diffusion: bool = True) -> None:  # fmt: skip
    """``trn_run``: take the TRN from that run's trn.pt (its weight average when it keeps one) instead of the joint
    stage's copy, the campaign's rule when the TRN trained on after the joint stage (the diffusion branch is the joint
    stage's). ``start_timestep``: the pack's defaults.start_timestep ('matched' or an integer), chosen by the
    start-timestep ablation on the dev slab; default: what the joint stage trained. A two-output TRN (``trn_run`` of
    config gsdiff-t2) is exported mixed (trn_tconv.mixed): ``trn_mix`` one beta for every graph, or ``trn_strengths``
    a beta per strength, each a per-frame graph listed in model_index trn_frame.strengths (the window graph at the low
    strength's beta, the target the diffusion branch was trained against). ``rgb_run``: a trn run of an RGB TRN
    config (gsdiff-t-rgb), exported as the per-frame graph RGB series run instead (model_index trn_frame.rgb), blended
    with the input by ``rgb_weights`` per strength; ``rgb_diffusion`` False: RGB series skip the diffusion branch
    (trn_frame.rgb.diffusion), for a diffusion branch that learned its correction against another TRN; ``ct_diffusion``
    False: the series that run the CT graphs skip it by default (trn_frame.diffusion), for a branch that measured worse
    than the TRN alone."""
    aux = torch.load(run / 'aux.pt', map_location='cpu')
    vae = torch.load(run / 'vae.pt', map_location='cpu')
    joint = torch.load(run / 'joint.pt', map_location='cpu')
    if joint['config'] != cfg.name:
        raise SystemExit(f"export_pack: {run / 'joint.pt'} is config {joint['config']!r}, expected {cfg.name!r}")
    models: dict[str, torch.nn.Module] = {}
    for name in COMPONENTS:
        m = construct(name, cfg)
        src = aux if name.startswith('clip') or name == 'degradation_recognizer' else vae if name.startswith('vae') else joint
        if name in joint['models']:
            src = joint  # the joint stage fine-tunes the VAE decoder
        if name == 'trn' and trn_run is not None:
            # replaced below by --trn's TRN; the joint stage's frozen copy may be of another depth (train.py --frozen-trn)
            models[name] = m.eval()
            continue
        m.load_state_dict(averaged_weights(src, name))
        models[name] = m.eval()
    outputs = load_trn_outputs(trn_run) if trn_run is not None else None
    if (trn_mix is not None or trn_strengths is not None) and outputs is None:
        raise SystemExit(f'export_pack: --trn-mix/--trn-strengths need a two-output TRN run (config gsdiff-t2), got {trn_run}')
    if outputs is not None and trn_mix is None and trn_strengths is None:
        raise SystemExit(f'export_pack: {trn_run} has a two-output TRN: give --trn-mix or --trn-strengths')
    by_strength: list[Spec] = []
    if outputs is not None:
        window_beta = trn_mix if trn_mix is not None else trn_strengths['low']  # type: ignore[index]
        # a TRN deeper than the joint config's (gsdiff-t3 beside a gsdiff-t diffusion branch) replaces its module: the
        # window graph's contract is frames in, frames out, whatever the depth
        models['trn'] = mixed(outputs, window_beta).eval()
        if trn_strengths is not None:
            for level in ('low', 'high'):
                spec = trn_frame_spec(mixed(outputs, trn_strengths[level]), cfg)
                by_strength.append(replace(spec, name=STRENGTH_COMPONENT[level]))  # type: ignore[arg-type]
    elif trn_run is not None:
        models['trn'].load_state_dict(averaged_weights(torch.load(trn_run / 'trn.pt', map_location='cpu'), 'trn'))
    rgb = load_rgb_trn(rgb_run) if rgb_run is not None else None
    if rgb is not None:
        by_strength.append(rgb_trn_spec(rgb[0]))
    frame_trn = mixed(outputs, trn_strengths['medium'] if trn_strengths else trn_mix) if outputs is not None else models['trn']  # type: ignore[arg-type]
    extra = trn_frame_spec(frame_trn, cfg)
    if not ct_diffusion and not extra:
        raise SystemExit(f'export_pack: --ct-no-diffusion needs a per-frame TRN (a tconv TRN, config gsdiff-t*); {run} has none')
    fresh_out(out)
    for spec in specs(models, cfg) + ([extra] if extra else []) + by_strength:
        export_spec(spec, out)
    (out / 'scheduler').mkdir()
    (out / 'scheduler' / 'scheduler_config.json').write_text(jsonfmt.dumps(scheduler_config()))
    write_tokenizer_files(out / 'tokenizer', list(cfg.tokenizer_words), cfg.max_length)
    (out / 'degradation_recognizer' / 'labels.json').write_text(jsonfmt.dumps(list(cfg.recognizer_labels)))
    index = {
        '_class_name': 'GSDiffPipeline',
        'format_version': 1,
        'name': cfg.name,
        'version': version,
        'components': {name: f'{name}/model.onnx' for name in [*COMPONENTS, *(['trn_frame'] if extra else []),
                                                                *[b.name for b in by_strength]]},  # fmt: skip
        # the TRN once per frame on whole slices (gsdiff/trn_tconv.py CentreFrameTrn): the runtime stacks each frame's
        # radius neighbours on either side as the graph's input channels; with a strengths table each strength runs its
        # own mix of the two outputs, the whole network's output (weight 1, no blend with the input)
        **({'trn_frame': {'radius': cfg.trn_radius, **({'strengths': {
            level: {'component': f'{STRENGTH_COMPONENT[level]}/model.onnx', 'weight': 1,
                    'own_noise_removed': trn_strengths[level]} for level in STRENGTH_NAMES}} if trn_strengths else {}),
            **({'own_noise_removed': trn_mix} if trn_mix is not None else {}),
            # RGB series (capsule) run their own TRN, blended with the input by these weights per strength
            **({'rgb': {'component': 'trn_frame_rgb/model.onnx', 'radius': rgb[0].radius,
                        'weights': rgb_weights or dict(RGB_WEIGHTS), **({} if rgb_diffusion else {'diffusion': False})}}
               if rgb is not None else {}),
            **({} if ct_diffusion else {'diffusion': False})}} if extra else {}),  # fmt: skip
        'tokenizer': {'vocab': 'tokenizer/vocab.json', 'merges': 'tokenizer/merges.txt', 'max_length': cfg.max_length},
        'recognizer_labels': 'degradation_recognizer/labels.json',
        'scheduler': 'scheduler/scheduler_config.json',
        'files': files_map(out),
        'tile': {'height': cfg.tile, 'width': cfg.tile},
        'grid': {'rows': cfg.grid_rows, 'cols': cfg.grid_cols},
        'latent': {
            'channels': cfg.latent_channels,
            'downscale': cfg.downscale,
            'scaling_factor': round(float(joint['extra']['scaling_factor']), 6),
        },
        'mapping': {'ct': {'low_hu': cfg.ct_low_hu, 'high_hu': cfg.ct_high_hu}, 'rgb': {'scale': 127.5, 'offset': -1}},
        'defaults': {
            **DEFAULTS,
            'window_stride': max(1, cfg.frames - 3),
            # item 1b of issue "Step 12": the one step starts at the timestep matched to each window's noise
            # (gsdiff/noise_level.py), as the joint stage trained it
            **(
                {'start_timestep': 'matched', 'start_t_max': int(joint['extra']['start_t_max'])}
                if joint['extra'].get('start_timestep') == 'matched'
                else {}
            ),
            **(
                {'start_timestep': start_timestep if start_timestep == 'matched' else int(start_timestep),
                 'start_t_max': int(joint['extra'].get('start_t_max', 25))}
                if start_timestep is not None
                else {}
            ),  # fmt: skip
        },
        'prompts': {
            'recognition': 'What kinds of degradation types are in this image?',
            'template': 'Please remove the [degradation] from this image or video',
        },
        'training': {
            **provenance(run, ['aux', 'vae', *(['trn'] if (trn_run or run / 'trn.pt').exists() else []), 'joint'], trn_run),
            **({'trn_rgb': rgb[1]} if rgb is not None else {}),
        },
    }
    (out / 'model_index.json').write_text(jsonfmt.dumps(index))


def export_spec(spec: Spec, out: Path) -> None:
    """Exports one component to ``<out>/<spec.name>/model.onnx``, checks the graph against torch and fuses attention."""
    g = torch.Generator().manual_seed(1)
    example = spec.make_inputs(0, g)  # type: ignore[operator]
    path = out / spec.name / 'model.onnx'
    dyn = {n: axes for n, (_, axes) in spec.inputs.items()} | dict(spec.outputs)
    export(spec.module, example, path, list(spec.inputs), list(spec.outputs), dyn)
    compact_tensor_names(path)
    check_graph(spec, path)
    fused = fuse_attention_file(path)
    for variant in (0, 1):
        with torch.no_grad():
            outputs = as_tuple(spec.module(*spec.make_inputs(variant, torch.Generator().manual_seed(2 + variant))))  # type: ignore[operator]
        if any(not torch.isfinite(o).all() for o in outputs):
            raise SystemExit(f'export_pack: {spec.name}: non-finite torch output')
    print(f'{spec.name}: {path.stat().st_size} bytes, {fused} attention(s) fused, ok', flush=True)


def load_rgb_trn(rgb_run: Path) -> tuple[torch.nn.Module, dict]:
    """The RGB TRN of a trn run of an RGB config (gsdiff-t-rgb: trn_unet.py), its weight average when kept, and the
    run's provenance block."""
    state = torch.load(rgb_run / 'trn.pt', map_location='cpu')
    cfg = CONFIGS[state['config']]
    if cfg.trn_kind != 'lunet':
        raise SystemExit(f"export_pack: --rgb-trn: expected a trn run of an RGB TRN config (gsdiff-t-rgb), got {state['config']!r} in {rgb_run}")
    trn = construct('trn', cfg)
    trn.load_state_dict(averaged_weights(state, 'trn'))
    return trn.eval(), provenance(rgb_run, ['trn'], rgb_run)['trn']


def rgb_trn_spec(trn: torch.nn.Module) -> Spec:
    """The per-frame graph of the RGB TRN (model_index trn_frame.rgb): the contract of trn_frame. Its example sizes
    are not multiples of the U-Net's 8, so the check runs the graph's own padding."""
    axes = {0: 'batch', 2: 'height', 3: 'width'}
    looks = 3 * (2 * trn.radius + 1)  # type: ignore[operator]
    return Spec('trn_frame_rgb', CentreFrameTrn(trn).eval(), {'looks': (torch.float32, axes)}, {'refined': axes},  # type: ignore[arg-type]
                lambda v, g: (torch.randn(1 + v, looks, 61 + 16 * v, 67 + 6 * v, generator=g),))  # fmt: skip


def trn_frame_spec(trn: torch.nn.Module, cfg: TinyConfig) -> Spec | None:
    """The per-frame graph of a tconv TRN (``looks`` [N, 3 (2r + 1), H, W] -> ``refined`` [N, 3, H, W]); other TRNs
    have none and the runtime keeps running them per tile-window."""
    if not isinstance(trn, TemporalConvTailRefineNetwork):
        return None
    axes = {0: 'batch', 2: 'height', 3: 'width'}
    looks = 3 * (2 * trn.radius + 1)
    return Spec('trn_frame', CentreFrameTrn(trn).eval(), {'looks': (torch.float32, axes)}, {'refined': axes},
                lambda v, g: (torch.randn(1 + v, looks, cfg.tile + 16 * v, cfg.tile + 8 * v, generator=g),))  # fmt: skip


def write_denoiser_pack(model: torch.nn.Module, out: Path, name: str, version: str, cfg: TinyConfig, tile: int,
                        overlap: int, training: dict) -> Path:  # fmt: skip
    """A ``DenoiserPipeline`` pack of one network (models/README.md): ``denoiser/model.onnx`` (fp32, opset 17,
    ``frames`` -> ``restored``, B/H/W dynamic, checked with onnx.checker) and model_index.json."""
    fresh_out(out)
    path = out / 'denoiser' / 'model.onnx'
    axes = {0: 'batch', 2: 'height', 3: 'width'}
    export(model, (torch.zeros(1, 3, cfg.tile, cfg.tile),), path, ['frames'], ['restored'],
           {'frames': axes, 'restored': axes})  # fmt: skip
    compact_tensor_names(path)
    index = {
        '_class_name': 'DenoiserPipeline',
        'format_version': 1,
        'name': name,
        'version': version,
        'components': {'denoiser': 'denoiser/model.onnx'},
        'files': files_map(out),
        'tile': {'height': tile, 'width': tile},
        'mapping': {'ct': {'low_hu': cfg.ct_low_hu, 'high_hu': cfg.ct_high_hu}, 'rgb': {'scale': 127.5, 'offset': -1}},
        'defaults': {'tile_overlap': overlap},
        'training': training,
    }
    (out / 'model_index.json').write_text(jsonfmt.dumps(index))
    return path


def checkpoint_config(state: dict, path: Path, override: str | None) -> TinyConfig:
    """The config a baseline was trained with (its value mapping is the pack's); ``--config`` must agree."""
    name = override or state['config']
    if name != state['config']:
        raise SystemExit(f"export_pack: {path} was trained with config {state['config']!r}, not {name!r}")
    return CONFIGS[name]


def export_redcnn(run: Path, out: Path, config: str | None, version: str) -> None:
    state = torch.load(run / 'redcnn.pt', map_location='cpu')
    cfg = checkpoint_config(state, run / 'redcnn.pt', config)
    model = RedCnn()
    model.load_state_dict(averaged_weights(state, 'denoiser'))
    model.eval()
    # RED-CNN has no padding: its outputs within ~20 px of a tile edge see fewer inputs, so tiles are large
    # and overlap by 32 px (the feathered blend then takes the edges from the neighbour's interior).
    write_denoiser_pack(model, out, 'redcnn', version, cfg, 128, 32, provenance(run, ['redcnn']))


# DnCNN tiling: the net is fully convolutional with zero padding and a 17 px receptive field, so only the 8 px next to
# a tile edge see padding. Overlap 32 puts those pixels in the outer quarter of each overlap, where the feathered ramp
# gives the neighbour's unaffected interior at least 3/4 of the weight; tile 192 costs 1.27x the pixels of a 512x512
# slice (3 x 3 tiles; 128 would cost 1.56x) and of a 336x336 capsule frame (2 x 2).
DNCNN_TILE, DNCNN_OVERLAP = 192, 32
DNCNN_OPS = {'Conv', 'Relu', 'ReduceMean', 'Sub'}  # a plain graph: BatchNorm folded, nothing else


def export_dncnn(run: Path, out: Path, config: str | None, version: str) -> None:
    # 1. the trained module, BatchNorm folded into the convs (checked against the unfolded one)
    state = torch.load(run / 'dncnn.pt', map_location='cpu')
    cfg = checkpoint_config(state, run / 'dncnn.pt', config)
    trained = from_checkpoint(state)
    model = fold_batch_norm(trained)
    x = torch.rand(2, 3, 40, 56, generator=torch.Generator().manual_seed(3)) * 2 - 1
    if trained.channels == 1:
        x = x[:, :1].expand(-1, 3, -1, -1)  # CT frames: three equal channels
    with torch.no_grad():
        want, got = trained(x), model(x)
    if tuple(got.shape) != tuple(x.shape) or not torch.isfinite(got).all() or (got - want).abs().max() > 1e-4:
        raise SystemExit(f'export_pack: DnCNN with BatchNorm folded differs from {run / "dncnn.pt"}')
    # 2. the pack, provenance with the architecture and the running training figures
    training = provenance(run, ['dncnn'])  # its settings hold the architecture
    training['dncnn']['receptive_field_px'] = 2 * model.depth + 1
    for key in ('ema_mse', 'ema_mse_in'):
        if key in state['extra']:
            training['dncnn'][f'train_{key}'] = round(float(state['extra'][key]), 8)
    path = write_denoiser_pack(model, out, 'dncnn', version, cfg, DNCNN_TILE, DNCNN_OVERLAP, training)
    # 3. the graph: contract names and dtypes, and nothing but convs, ReLU and the residual
    axes = {0: 'batch', 2: 'height', 3: 'width'}
    check_graph(Spec('denoiser', model, {'frames': (torch.float32, axes)}, {'restored': axes}, None), path)
    ops = {n.op_type for n in onnx.load(str(path)).graph.node}
    if not ops <= DNCNN_OPS:
        raise SystemExit(f'export_pack: {path}: expected only {sorted(DNCNN_OPS)} nodes, got {sorted(ops)}')


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--run', type=Path, help='a gsdiff run folder (aux.pt, vae.pt, joint.pt)')
    p.add_argument('--redcnn', type=Path, help='a redcnn run folder (redcnn.pt)')
    p.add_argument('--dncnn', type=Path, help='a dncnn run folder (dncnn.pt)')
    p.add_argument('--config', choices=sorted(CONFIGS), default=None, help="default: the checkpoint's")
    p.add_argument('--out', type=Path, required=True)
    p.add_argument('--version', default='0.1.0')
    p.add_argument('--trn', type=Path, default=None,
                   help="--run: take the TRN from this run folder's trn.pt (its weight average when kept)")
    p.add_argument('--start-timestep', default=None,
                   help="--run: the pack's defaults.start_timestep, 'matched' or an integer 1..999")
    p.add_argument('--trn-mix', default=None,
                   help='--trn of config gsdiff-t2: one beta in [0, 1] for every TRN graph (0 keeps the references\' own '
                        'noise texture, 1 removes it too)')
    p.add_argument('--trn-strengths', default=None,
                   help='--trn of config gsdiff-t2: betas low,medium,high, a per-frame TRN graph each (trn_frame.strengths)')
    p.add_argument('--rgb-trn', type=Path, default=None,
                   help='--run: a trn run of config gsdiff-t-rgb, exported as the RGB series\' per-frame TRN (trn_frame.rgb)')
    p.add_argument('--rgb-no-diffusion', action='store_true',
                   help='--rgb-trn: RGB series skip the diffusion branch (trn_frame.rgb.diffusion false)')
    p.add_argument('--ct-no-diffusion', action='store_true',
                   help='--run with a per-frame TRN: the series that run the CT graphs skip the diffusion branch by '
                        'default (trn_frame.diffusion false; --branches full keeps it selectable)')
    p.add_argument('--rgb-weights', default=None,
                   help='--rgb-trn: blend weights low,medium,high in [0, 1] (default 0.5,1,1)')
    args = p.parse_args()
    torch.set_num_threads(2)
    if sum(a is not None for a in (args.run, args.redcnn, args.dncnn)) != 1:
        raise SystemExit('export_pack: expected exactly one of --run, --redcnn or --dncnn')
    if args.run is not None:
        name = args.config or torch.load(args.run / 'joint.pt', map_location='cpu')['config']
        if args.start_timestep is not None and args.start_timestep != 'matched':
            if not args.start_timestep.isdigit() or not 1 <= int(args.start_timestep) <= 999:
                raise SystemExit(f"export_pack: --start-timestep: expected 'matched' or 1..999, got {args.start_timestep!r}")
        mix = strengths = None
        if args.trn_mix is not None:
            mix = float(args.trn_mix)
            if not 0.0 <= mix <= 1.0:
                raise SystemExit(f'export_pack: --trn-mix: expected a number in [0, 1], got {args.trn_mix}')
        if args.trn_strengths is not None:
            parts = args.trn_strengths.split(',')
            try:
                betas = [float(v) for v in parts]
            except ValueError:
                betas = []
            if len(betas) != 3 or not all(0.0 <= b <= 1.0 for b in betas):
                raise SystemExit(f'export_pack: --trn-strengths: expected low,medium,high in [0, 1], got {args.trn_strengths!r}')
            strengths = dict(zip(STRENGTH_NAMES, betas))
        rgb_weights = None
        if args.rgb_weights is not None:
            try:
                ws = [float(v) for v in args.rgb_weights.split(',')]
            except ValueError:
                ws = []
            if len(ws) != 3 or not all(0.0 <= w <= 1.0 for w in ws):
                raise SystemExit(f'export_pack: --rgb-weights: expected low,medium,high in [0, 1], got {args.rgb_weights!r}')
            rgb_weights = dict(zip(STRENGTH_NAMES, ws))
        if args.rgb_trn is not None and not args.rgb_trn.joinpath('trn.pt').exists():
            raise SystemExit(f'export_pack: --rgb-trn: expected a trn run folder with trn.pt, got {args.rgb_trn}')
        export_gsdiff(args.run, args.out, CONFIGS[name], args.version, args.trn, args.start_timestep, mix, strengths,
                      args.rgb_trn, rgb_weights, not args.rgb_no_diffusion, not args.ct_no_diffusion)
    elif args.redcnn is not None:
        export_redcnn(args.redcnn, args.out, args.config, args.version)
    else:
        export_dncnn(args.dncnn, args.out, args.config, args.version)
    total = sum(f.stat().st_size for f in args.out.rglob('*') if f.is_file())
    print(f'pack: {args.out} ({total} bytes)')


if __name__ == '__main__':
    main()
