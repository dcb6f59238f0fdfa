#!/usr/bin/python3
"""Independent PyTorch reference of the full GSDiff inference on one 3x3 window; writes the golden files that the
TypeScript runtime (onnxruntime-node + the tiny pack) must reproduce.

    /usr/bin/python3 models/training/reference_run.py [--pack models/packs/tiny-test] [--out test/models/golden]

Weights: the torch modules are RECONSTRUCTED FROM THE SAME SEED as export_tiny_pack.py (gsdiff.build), not read
back from the ONNX files; stage 0 checks that every torch parameter appears bit-for-bit among the initializers of
the pack's ONNX graphs, so a pack exported from other weights is refused. Nothing here calls ONNX: tokenizer, value
mapping, grid splicing, DDIM and the output formula are re-implemented from the contract and the papers.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsdiff import jsonfmt  # noqa: E402
from gsdiff.build import COMPONENTS, build_tiny_models  # noqa: E402
from gsdiff.config import SEED, TINY  # noqa: E402
from gsdiff.mapping import clip_normalise, ct_from_model, ct_to_model, splice, unsplice  # noqa: E402
from gsdiff.scheduler import alphas_cumprod, ddim_coefficients, ddim_step, ddim_timesteps  # noqa: E402
from gsdiff.tokenizer import ClipTokenizer  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
STEPS = 4
EXPECTED_DEGRADATION = 'low-dose CT noise'
NOISE_SEED = 1234


def check_pack_weights(models: dict[str, torch.nn.Module], pack: Path) -> None:
    """Every torch parameter must equal (bytes, or transposed bytes for matrices) some tensor stored in the graph."""
    for name in COMPONENTS:
        graph = onnx.load(str(pack / name / 'model.onnx')).graph
        arrays = [numpy_helper.to_array(t) for t in graph.initializer]
        arrays += [numpy_helper.to_array(a.t) for n in graph.node if n.op_type == 'Constant' for a in n.attribute]
        stored = {hashlib.sha256(np.ascontiguousarray(a, dtype=a.dtype).tobytes()).digest() for a in arrays}
        missing = []
        for pname, p in models[name].named_parameters():
            arr = p.detach().numpy()
            candidates = [arr] + ([arr.T] if arr.ndim == 2 else [])
            if not any(hashlib.sha256(np.ascontiguousarray(c).tobytes()).digest() in stored for c in candidates):
                missing.append(pname)
        if missing:
            raise SystemExit(f'reference_run: {name}: the pack was not exported from these weights ({missing[:3]} ...)')
    print('stage 0: pack weights match the seed-built modules')


def synthetic_ct(k: int, size: int) -> torch.Tensor:
    """k slices of a CT-like phantom in HU (integers): padding outside the field of view (-3024, outside the HU
    window, passes through), air, a fat-rimmed soft-tissue body, a lung region, a bone insert moving along z, one
    metal pixel (3500 HU, outside the window) and deterministic +-noise."""
    yy, xx = torch.meshgrid(torch.arange(size, dtype=torch.float64), torch.arange(size, dtype=torch.float64),
                            indexing='ij')  # fmt: skip
    c = (size - 1) / 2.0
    r = torch.sqrt((yy - c) ** 2 + (xx - c) ** 2)
    noise = torch.from_numpy(np.random.RandomState(7).standard_normal((k, size, size)))
    out = torch.empty(k, size, size, dtype=torch.float64)
    for t in range(k):
        hu = torch.full((size, size), -1000.0, dtype=torch.float64)
        hu[r > 15.5] = -3024.0
        hu[r <= 12.0] = -100.0
        hu[r <= 10.5] = 40.0
        hu[(yy - 12) ** 2 + (xx - 11) ** 2 <= 16] = -850.0
        hu[(yy - 19) ** 2 + (xx - (14 + 0.5 * t)) ** 2 <= 6.25] = 700.0
        hu[22, 20] = 3500.0
        inside = (r <= 15.5) & (hu < 3000)
        hu = torch.where(inside, hu + torch.round(25.0 * noise[t]), hu)
        out[t] = hu
    return out.to(torch.float32)


class Golden:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tensors: dict[str, dict[str, object]] = {}

    def save(self, name: str, t: torch.Tensor, description: str) -> torch.Tensor:
        arr = t.detach().cpu().contiguous().numpy()
        if arr.dtype == np.float32:
            data, dtype = arr.astype('<f4').tobytes(), 'float32'
        elif arr.dtype == np.int64:
            data, dtype = arr.astype('<i8').tobytes(), 'int64'
        else:
            raise ValueError(f'Golden.save: expected float32 or int64, got {arr.dtype}')
        (self.folder / f'{name}.bin').write_bytes(data)
        self.tensors[name] = {'file': f'{name}.bin', 'dtype': dtype, 'shape': list(arr.shape),
                              'description': description}  # fmt: skip
        return t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pack', type=Path, default=REPO / 'models' / 'packs' / 'tiny-test')
    parser.add_argument('--out', type=Path, default=REPO / 'test' / 'models' / 'golden')
    args = parser.parse_args()
    torch.set_num_threads(min(2, torch.get_num_threads()))
    cfg = TINY
    pack: Path = args.pack
    index = json.loads((pack / 'model_index.json').read_text())
    sched_cfg = json.loads((pack / index['scheduler']).read_text())
    labels = json.loads((pack / index['recognizer_labels']).read_text())
    rows, cols = index['grid']['rows'], index['grid']['cols']
    sf = float(index['latent']['scaling_factor'])
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob('*.bin'):
        old.unlink()
    g = Golden(out)

    # 0. modules, rebuilt from the seed, checked against the pack
    m = build_tiny_models(SEED, cfg)
    check_pack_weights(m, pack)

    with torch.no_grad():
        # 1. input window: 9 CT frames in HU -> model range V_d [9,3,32,32]
        hu = g.save('frames_hu', synthetic_ct(rows * cols, cfg.tile), 'input: 9 CT frames in HU (integers), [k,H,W]')
        v_d = g.save('frames_model', ct_to_model(hu), 'V_d: CT mapping of frames_hu, clamped to [-1,1], 3 channels')

        # 2. degradation recognition on the first frame (CLIP-normalised, like the CLIP image encoder)
        logits = m['degradation_recognizer'](clip_normalise(v_d[:1]))
        g.save('recognizer_logits', logits, 'degradation_recognizer(clip_normalise(V_d[0:1])), [1,K]')
        degradation = labels[int(logits[0].argmax())]
        if degradation != EXPECTED_DEGRADATION:
            raise SystemExit(f'reference_run: expected recognition {EXPECTED_DEGRADATION!r}, got {degradation!r}')

        # 3. text branch: the template filled with the degradation, tokenized with our CLIP BPE
        tok = ClipTokenizer(pack / index['tokenizer']['vocab'], pack / index['tokenizer']['merges'], cfg.max_length)
        prompt = index['prompts']['template'].replace('[degradation]', degradation)
        ids = torch.tensor([tok.encode(prompt)], dtype=torch.int64)
        g.save('input_ids', ids, 'token ids of the prompt, int64 [1,77]')
        text = g.save('text_embeds', m['clip_text_encoder'](ids), 'clip_text_encoder(input_ids), [1,d]')

        # 4. image branch: mean CLIP embedding over the k frames (R = tile: no resize)
        per_frame = m['clip_image_encoder'](clip_normalise(v_d))
        g.save('image_embeds_frames', per_frame, 'clip_image_encoder(clip_normalise(V_d)), [k,d]')
        image = g.save('image_embeds', per_frame.mean(dim=0, keepdim=True), 'mean over frames, [1,d]')

        # 5. degradation embedding
        z_d = g.save('z_d', m['degradation_extractor'](image, text), 'degradation_extractor, [1,S,D]')

        # 6. grid splicing and VAE encoding of the degraded grid
        grid = g.save('grid_degraded', splice(v_d, rows, cols)[None], 'splice(V_d): cell (i,j) = frame i*cols+j')
        latent = g.save('vae_latent_degraded', m['vae_encoder'](grid), 'vae_encoder(grid), unscaled, [1,C,h,w]')
        f_d = g.save('f_d', latent * sf, 'vae latent * scaling_factor, [1,C,h,w]')

        # 7. DDIM, strength 1: the start is the noise itself (x_T = noise, init_noise_sigma = 1)
        noise = np.random.RandomState(NOISE_SEED).standard_normal(tuple(f_d.shape)).astype(np.float32)
        noise = torch.from_numpy(noise)
        z = g.save('initial_noise', noise, 'x_T, [1,C,h,w]')
        acp = alphas_cumprod(sched_cfg)
        steps_info = []
        for i, t in enumerate(ddim_timesteps(sched_cfg, STEPS)):
            coef = ddim_coefficients(sched_cfg, acp, t, STEPS)
            residuals = m['dpm'](f_d, z, torch.tensor([float(t)]), z_d)
            if i == 0:
                names = [f'down_block_additional_residual_{j}' for j in range(len(residuals) - 1)]
                for name, r in zip(names + ['mid_block_additional_residual'], residuals):
                    g.save(f'step0_{name}', r, f'dpm(f_d, initial_noise, {t}, z_d) output {name}')
            eps = m['unet'](z, torch.tensor([t]), z_d, list(residuals[:-1]), residuals[-1])
            g.save(f'step{i}_eps', eps, f'unet epsilon at step {i} (t={t}), [1,C,h,w]')
            note = f'latent after DDIM step {i} (t={t} -> {coef.prev_timestep})'
            z = g.save(f'step{i}_latent', ddim_step(z, eps, coef), note)
            steps_info.append(coef)

        # 8. decode and un-splice
        decoded = g.save('decoded_grid', m['vae_decoder'](z / sf), 'vae_decoder(latent / scaling_factor), [1,3,H,W]')
        d_v = unsplice(decoded[0], rows, cols)[None]

        # 9. Tail Refine Network on the degraded frames, and the output formula
        refined = g.save('trn_refined', m['trn'](v_d[None]), 'trn(V_d[None]), [1,k,3,H,W]')
        v_r = g.save('v_r', (d_v - v_d[None]) + refined, 'V_r = (unsplice(decoded_grid) - V_d) + trn_refined')

        # 10. back to HU by the contract's delta rule (unrounded)
        note = 'HU_in + (mean_c(V_r) - mean_c(V_d)) * 4095/2, unrounded; HU_in outside [-1024, 3071]'
        g.save('hu_out', ct_from_model(hu, v_d, v_r[0]), note)

    manifest = {
        'description': 'GSDiff tiny-pack reference run on one 3x3 window; random weights, tests only',
        'generator': 'models/training/reference_run.py',
        'torch_version': torch.__version__,
        'pack': {
            'path': 'models/packs/tiny-test',
            'name': index['name'],
            'model_index_sha256': hashlib.sha256((pack / 'model_index.json').read_bytes()).hexdigest(),
        },
        'weights': f'rebuilt from seed {SEED} (gsdiff.build), checked against the pack initializers',
        'degradation': degradation,
        'prompt': prompt,
        'tokens': [t for t in ['<|startoftext|>'] + tok.tokenize(prompt) + ['<|endoftext|>']],
        'input_ids': ids[0].tolist(),
        'recognizer': {
            'labels': labels,
            'logits_frame0': [float(x) for x in logits[0]],
            'argmax': int(logits[0].argmax()),
        },
        'clip_normalisation': 'pixel_values = ((x + 1) / 2 - mean_c) / std_c, CLIP mean/std, x in model range',
        'ct_mapping': 'x = clamp(2 (HU + 1024) / 4095 - 1, -1, 1), replicated to 3 channels',
        'noise': f'numpy.random.RandomState({NOISE_SEED}).standard_normal([1,4,12,12]) as float32, saved',
        'scheduler': {
            'steps': STEPS,
            'eta': 0.0,
            'strength': 1.0,
            'guidance': 'none (a single conditional U-Net pass per step)',
            'timesteps': [c.timestep for c in steps_info],
            'prev_timesteps': [c.prev_timestep for c in steps_info],
            'alpha_prod_t': [c.alpha_prod_t for c in steps_info],
            'alpha_prod_t_prev': [c.alpha_prod_t_prev for c in steps_info],
            'note': 'alphas_cumprod in float64; unet timestep int64, dpm timestep float32',
        },
        'layout': 'each tensor: little-endian, C order, in <file>; float32 unless dtype says otherwise',
        'tensors': g.tensors,
    }
    (out / 'manifest.json').write_text(jsonfmt.dumps(manifest))
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f'golden: {out} ({len(g.tensors)} tensors, {total} bytes)')
    print('input_ids', ids[0].tolist())
    print('timesteps', manifest['scheduler']['timesteps'], 'logits', manifest['recognizer']['logits_frame0'])
    assert math.isfinite(float(v_r.abs().max()))


if __name__ == '__main__':
    main()
