#!/usr/bin/python3
"""Train the compact GSDiff pack (gsdiff-s), its per-frame ablation (gsdiff-s-1x1) and the RED-CNN and DnCNN baselines.

    /usr/bin/python3 models/training/train.py --stage STAGE --config gsdiff-s --data .cache/training \
        --train abdomen,chest,<clips> --out .cache/runs/gsdiff-s [--minutes M | --steps N] [--threads T] [--seed S]

Stages (each resumes from ``<out>/<stage>.pt`` when present; a budget in minutes or steps is the total over resumes):
- ``aux``: the compact CLIP-like dual encoder (image ViT + text transformer) trained contrastively on degradation
  descriptions (InfoNCE between window images and their phrases, a class-level target), and the in-pack
  degradation recognizer (cross-entropy on single degraded and clean frames).
- ``vae``: the small VAE as an autoencoder on clean and degraded frames (L1 + 1e-4 latent L2, the encoder exports
  its mean); the latent scaling factor is set to 1/std of the clean latents, as SD does.
- ``joint``: with CLIP and the VAE encoder frozen (the paper freezes CLIP and SD), the U-Net, DPM, Degradation
  Extractor and TRN are trained, and the VAE decoder fine-tuned, with L = L_diff + 0.2 L_rec + 0.01 L_con:
  * L_diff: epsilon MSE on the noised *clean* grid latent, t ~ U[0, 1000), conditioned on Z_d and the DPM fed the
    degraded grid latent f_d;
  * L_rec: L1 between clean frames and V_r = (D_V - V_d) + T(V_d), where D_V decodes the one-step DDIM estimate
    x0 from the degraded latent brought to t ~ U[1, T_rec] without added noise (T_rec = 10 covers the pack's
    deterministic img2img start at t = 1, start_noise 0), so the training path is the inference path;
  * L_con (bounded, ours): triplet hinge max(0, m + ||Z_a - Z_p||^2 - ||Z_a - Z_n||^2) / dim with margin m = 1,
    Z_p from the window shifted by one frame, Z_n from a window of the other degradation type in the batch.
- ``redcnn``: RED-CNN on single frames (MSE, as its paper), same data, split and crops.
- ``trn``: the TRN alone on L_rec (MSE of T(V_d) against V_c) over whole k-frame windows, CT only by default, 64-px
  crops; the joint stage then starts from its ``trn.pt`` (issue "Step 12": pretrain the restorer first).
- ``dncnn``: DnCNN (gsdiff/dncnn.py, ``--depth`` x ``--width``, default 8 x 48, ``--batch-norm`` optional) on single
  frames by residual learning (MSE between the predicted and the true noise, noisy - clean), Adam at 1e-3; CT only
  and 48x48 crops unless ``--ct-fraction`` / ``--crop`` say otherwise (CT only: one grey channel inside the net; with
  capsule frames: three). No held-out set is scored during training: its log rows carry the batch MSE and a running
  (EMA 0.98) MSE and gain, 10 log10(MSE(noisy, clean) / MSE(restored, clean)) in dB, on the training crops.

Seeds, configs, elapsed time and losses go to ``<out>/<stage>.log.jsonl`` and the checkpoint.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gsdiff.build import construct, init_random  # noqa: E402
from gsdiff.config import CONFIGS, TinyConfig  # noqa: E402
from gsdiff.data import CT_PHRASES, LABEL_CLEAN, RGB_PHRASES, Batch, WindowSampler, load_folder  # noqa: E402
from gsdiff.dncnn import DnCnn, init_weights  # noqa: E402
from gsdiff.mapping import clip_normalise, splice  # noqa: E402
from gsdiff.noise_level import T_MAX, estimate_sigma, matched_timestep  # noqa: E402
from gsdiff.redcnn import RedCnn  # noqa: E402
from gsdiff.scheduler import alphas_cumprod, scheduler_config  # noqa: E402
from gsdiff.ema import WeightAverage, averaged_weights  # noqa: E402
from gsdiff.state import data_manifest, read_state, write_checkpoint, write_state  # noqa: E402
from gsdiff.tokenizer import ClipTokenizer, write_tokenizer_files  # noqa: E402
from gsdiff.trn_tconv import (  # noqa: E402
    TemporalConvTailRefineNetwork, conv_indices, deepened, from_single_frame, mixed, with_outputs,
)

STAGES = ('aux', 'vae', 'joint', 'redcnn', 'dncnn', 'trn')
LAMBDA_REC, LAMBDA_CON, CON_MARGIN = 0.2, 0.01, 1.0
T_REC = 10
BATCH = {'aux': 16, 'vae': 4, 'joint': 2, 'redcnn': 16, 'dncnn': 16, 'trn': 4}
LR = {'aux': 1e-3, 'vae': 1e-3, 'joint': 4e-4, 'redcnn': 2e-4, 'dncnn': 1e-3, 'trn': 1e-3}
SINGLE_FRAME = ('redcnn', 'dncnn')  # baselines: windows of one frame
CROP = {'dncnn': 48, 'trn': 64}  # --crop default per stage (32 otherwise)
CT_FRACTION = {'dncnn': 1.0, 'trn': 1.0}  # --ct-fraction default per stage (0.75 otherwise)
EMA = 0.98


def tokenizer_for(cfg: TinyConfig, folder: Path) -> ClipTokenizer:
    """The pack's tokenizer files, written to ``folder`` and read back exactly as the runtime reads them."""
    write_tokenizer_files(folder, list(cfg.tokenizer_words), cfg.max_length)
    return ClipTokenizer(folder / 'vocab.json', folder / 'merges.txt', cfg.max_length)


def prompt(template_phrase: str) -> str:
    return f'Please remove the {template_phrase} from this image or video'


def clip_pixels(frames: torch.Tensor, r: int) -> torch.Tensor:
    """[N, 3, h, w] model range -> CLIP pixel_values at R x R (bilinear, half-pixel centres, as the runtime)."""
    x = F.interpolate(frames, size=(r, r), mode='bilinear', align_corners=False)
    return clip_normalise(x)


def image_embeds(clip_image, frames: torch.Tensor, r: int) -> torch.Tensor:  # type: ignore[no-untyped-def]
    """Mean image embedding over the k frames of each window: [B, k, 3, h, w] -> [B, d]."""
    b, k = frames.shape[:2]
    return clip_image(clip_pixels(frames.flatten(0, 1), r)).reshape(b, k, -1).mean(dim=1)


def grids(frames: torch.Tensor, cfg: TinyConfig) -> torch.Tensor:
    return torch.stack([splice(f, cfg.grid_rows, cfg.grid_cols) for f in frames])


def ungrids(grid: torch.Tensor, cfg: TinyConfig) -> torch.Tensor:
    from gsdiff.mapping import unsplice

    return torch.stack([unsplice(g, cfg.grid_rows, cfg.grid_cols) for g in grid])


class Run:
    """One stage's models, optimiser, budget and checkpoint."""

    def __init__(self, args: argparse.Namespace, cfg: TinyConfig) -> None:
        self.args, self.cfg = args, cfg
        self.out: Path = args.out
        self.out.mkdir(parents=True, exist_ok=True)
        self.ckpt = self.out / f'{args.stage}.pt'
        self.log = self.out / f'{args.stage}.log.jsonl'
        self.step = 0
        self.elapsed = 0.0
        self.extra: dict = {}
        self.sampler: WindowSampler | None = None
        self.ema: WeightAverage | None = None
        # run after the checkpoint is taken up (or found absent): a stage's weights that a resume must not restore
        self.on_resume: list = []
        # models a resume leaves as built: a frozen module an on_resume hook sets, whose shape may differ from the
        # checkpoint's copy (joint --frozen-trn with a deeper TRN than the one the run began with)
        self.not_restored: set[str] = set()

    def load_prev(self, stage: str) -> dict:
        path = self.out / f'{stage}.pt'
        if not path.exists():
            raise SystemExit(f'train: stage {self.args.stage} needs {path} (run --stage {stage} first)')
        return torch.load(path, map_location='cpu')

    def save(self, models: dict, opt: torch.optim.Optimizer | None) -> None:
        state = {
            'stage': self.args.stage,
            'config': self.cfg.name,
            'step': self.step,
            'elapsed_s': self.elapsed,
            'seed': self.args.seed,
            'torch': torch.__version__,
            'models': {n: m.state_dict() for n, m in models.items()},
            'opt': opt.state_dict() if opt is not None else None,
            'extra': self.extra,
            'train': self.args.train,
            **({'ema': self.ema.state(), 'ema_decay': self.ema.decay, 'ema_updates': self.ema.updates} if self.ema else {}),
        }
        tmp = self.ckpt.with_suffix('.pt.tmp')
        torch.save(state, tmp)
        os.replace(tmp, self.ckpt)  # a killed run never leaves a half-written checkpoint

    def resume(self, models: dict, opt: torch.optim.Optimizer | None) -> None:
        if not self.ckpt.exists():
            for hook in self.on_resume:
                hook(models)
            self.start_average(models, None)
            return
        state = torch.load(self.ckpt, map_location='cpu')
        for n, m in models.items():
            if n not in self.not_restored:
                m.load_state_dict(state['models'][n])
        if opt is not None and state['opt'] is not None:
            opt.load_state_dict(state['opt'])
        self.step, self.elapsed, self.extra = state['step'], state['elapsed_s'], state['extra']
        for hook in self.on_resume:
            hook(models)
        self.start_average(models, state)
        print(f'resumed {self.ckpt} at step {self.step} ({self.elapsed / 60:.1f} min)', flush=True)

    def start_average(self, models: dict, state: dict | None) -> None:
        """--ema: take up the checkpoint's average, or begin one at the current weights (noted in the session)."""
        saved = (state or {}).get('ema')
        decay = self.args.ema if self.args.ema is not None else (state or {}).get('ema_decay')
        if decay is None:
            return  # a run that kept an average keeps it on a resume without --ema: it is never dropped silently
        self.ema = WeightAverage(models, decay, saved, (state or {}).get('ema_updates', 0) if saved else 0)
        if saved is None:
            self.extra['ema_from_step'] = self.step

    def budget_left(self) -> bool:
        if self.args.steps is not None and self.step >= self.args.steps:
            return False
        if self.args.minutes is not None and self.elapsed >= self.args.minutes * 60:
            return False
        return True

    def session(self) -> dict:
        """This process's entry in ``extra['sessions']``: where the cumulative steps and minutes came from."""
        sessions = self.extra.setdefault('sessions', [])
        if not sessions or sessions[-1].get('pid') != os.getpid():
            sessions.append({
                'pid': os.getpid(),
                'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
                'hardware': hardware(self.args.threads),
                'torch': torch.__version__,
                'from_step': self.step,
            })  # fmt: skip
        return sessions[-1]

    def loop(self, models: dict, opt: torch.optim.Optimizer, step_fn) -> None:  # type: ignore[no-untyped-def]
        self.resume(models, opt)
        if self.args.lr is not None:
            # --lr wins over the learning rate a resumed optimiser state carries (a decay phase of the campaign)
            for group in opt.param_groups:
                group['lr'] = self.args.lr
        session = self.session()
        session['lr'] = opt.param_groups[0]['lr']
        # what a resume must repeat to continue the same run (docs/RESULTS.md gives the commands)
        session |= {k: v for k, v in (('ema', self.args.ema), ('hf_noise', self.args.hf_noise),
                                      ('own_noise', self.args.own_noise)) if v}  # fmt: skip
        start_elapsed = self.elapsed
        if self.sampler is not None:
            self.sampler.rng = np.random.RandomState((self.args.seed * 31 + self.step) % 2**32)
        rng = np.random.RandomState((self.args.seed * 100003 + self.step) % 2**32)  # resumable: the stream depends on step
        torch.manual_seed((self.args.seed * 7919 + self.step) % 2**32)
        last_save = time.time()
        with self.log.open('a') as log:
            while self.budget_left():
                t0 = time.time()
                for m in models.values():
                    m.train()
                losses = step_fn(rng)
                opt.zero_grad(set_to_none=True)
                losses['total'].backward()
                torch.nn.utils.clip_grad_norm_([p for m in models.values() for p in m.parameters()], 1.0)
                opt.step()
                if self.ema is not None:
                    self.ema.update(models)
                self.step += 1
                self.elapsed += time.time() - t0
                session['to_step'] = self.step
                session['minutes'] = round((self.elapsed - start_elapsed) / 60, 2)
                row = {'step': self.step, 'elapsed_s': round(self.elapsed, 1)}
                row |= {k: round(float(v), 6) for k, v in losses.items()}
                log.write(json.dumps(row) + '\n')
                if self.step % 10 == 0 or self.step <= 2:
                    print(json.dumps(row), flush=True)
                    log.flush()
                if time.time() - last_save > self.args.save_every:
                    self.save(models, opt)
                    last_save = time.time()
        if 'to_step' not in session:
            # the budget was already spent (a run for --commit-state alone): no training session to record
            self.extra['sessions'].remove(session)
        self.save(models, opt)
        print(f'{self.args.stage}: {self.step} steps, {self.elapsed / 60:.1f} min -> {self.ckpt}', flush=True)


def hardware(threads: int) -> str:
    """What trained: the GPU when CUDA runs the step, else the CPU model and the threads used."""
    if torch.cuda.is_available():
        return f'{torch.cuda.get_device_name(0)} (CUDA)'
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    return f'{cpu}, {threads} thread(s)'


def adam(models: dict, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW([p for m in models.values() for p in m.parameters() if p.requires_grad], lr=lr,
                             weight_decay=1e-4)  # fmt: skip


def fresh(name: str, cfg: TinyConfig, seed: int) -> torch.nn.Module:
    """A component with the deterministic initialisation of gsdiff.build (then trained), zero convs at zero; the
    space-to-depth VAE keeps its identity initialisation."""
    m = construct(name, cfg)
    if name.startswith('vae') and cfg.vae_kind == 's2d':
        return m
    init_random(m, np.random.RandomState(seed))
    if hasattr(m, 'zero_init_outputs'):
        m.zero_init_outputs()  # type: ignore[operator]
    return m


def stage_aux(run: Run, sampler: WindowSampler) -> None:
    cfg = run.cfg
    tok = tokenizer_for(cfg, run.out / 'tokenizer')
    names = ['clip_image_encoder', 'clip_text_encoder', 'degradation_recognizer']
    models = {n: fresh(n, cfg, run.args.seed + i) for i, n in enumerate(names)}
    logit_scale = torch.nn.Parameter(torch.tensor(math.log(10.0)))
    models['logit_scale'] = torch.nn.ParameterList([logit_scale])
    opt = adam(models, LR['aux'])

    def step(rng: np.random.RandomState) -> dict:
        b: Batch = sampler.sample(BATCH['aux'] // 4)
        img = F.normalize(image_embeds(models['clip_image_encoder'], b.degraded, cfg.clip_resolution), dim=-1)
        ids = torch.tensor([tok.encode(prompt(p)) for p in b.phrases])
        txt = F.normalize(models['clip_text_encoder'](ids), dim=-1)
        logits = logit_scale.exp() * img @ txt.T
        same = (b.kind[:, None] == b.kind[None, :]).float()  # class-level targets: every phrase of the type matches
        target = same / same.sum(dim=1, keepdim=True)
        l_clip = 0.5 * (-(target * logits.log_softmax(1)).sum(1).mean() - (target.T * logits.log_softmax(0)).sum(0).mean())
        # recognizer: one degraded frame and one clean frame per window
        k = b.degraded.shape[1]
        pick = torch.from_numpy(rng.randint(k, size=b.degraded.shape[0]))
        rows = torch.arange(b.degraded.shape[0])
        frames = torch.cat([b.degraded[rows, pick], b.clean[rows, pick]])
        labels = torch.cat([b.label, torch.full_like(b.label, LABEL_CLEAN)])
        l_rec = F.cross_entropy(models['degradation_recognizer'](clip_pixels(frames, cfg.clip_resolution)), labels)
        return {'total': l_clip + l_rec, 'clip': l_clip, 'recognizer': l_rec}

    run.loop(models, opt, step)


def stage_vae(run: Run, sampler: WindowSampler) -> None:
    cfg = run.cfg
    models = {n: fresh(n, cfg, run.args.seed + 10 + i) for i, n in enumerate(['vae_encoder', 'vae_decoder'])}
    if cfg.vae_kind == 's2d':
        # Nothing to train: the space-to-depth autoencoder is exact at its identity start, and training it (L1 +
        # latent L2) moved the frozen encoder away from invertible (measured: 27 HU L1 after 30 steps). Only the
        # latent scaling factor is measured, on clean frames.
        with torch.no_grad():
            stds = [float(models['vae_encoder'](sampler.sample(BATCH['vae']).clean.flatten(0, 1)).std()) for _ in range(20)]
        run.extra['latent_std'] = float(np.mean(stds))
        run.save(models, None)
        print(f"vae: space-to-depth, latent std {run.extra['latent_std']:.4f} -> {run.ckpt}", flush=True)
        return
    opt = adam(models, LR['vae'])

    def step(rng: np.random.RandomState) -> dict:
        b = sampler.sample(BATCH['vae'])
        x = torch.cat([b.clean[:, :3], b.degraded[:, :3]]).flatten(0, 1)  # single frames: the VAE is per neighbourhood
        z = models['vae_encoder'](x)
        y = models['vae_decoder'](z)
        l1 = (y - x).abs().mean()
        reg = 1e-4 * z.pow(2).mean()
        run.extra['latent_std'] = 0.99 * run.extra.get('latent_std', float(z.detach().std())) + 0.01 * float(z.detach().std())
        return {'total': l1 + reg, 'l1': l1, 'latent_std': torch.tensor(run.extra['latent_std'])}

    run.loop(models, opt, step)


def stage_joint(run: Run, sampler: WindowSampler) -> None:
    cfg = run.cfg
    aux, vae = run.load_prev('aux'), run.load_prev('vae')
    frozen = {n: construct(n, cfg) for n in ('clip_image_encoder', 'clip_text_encoder', 'vae_encoder')}
    for n, m in frozen.items():
        m.load_state_dict((aux if n.startswith('clip') else vae)['models'][n])
        m.eval().requires_grad_(False)
    sf = 1.0 / vae['extra']['latent_std']
    run.extra['scaling_factor'] = sf
    names = ['unet', 'dpm', 'degradation_extractor', 'trn']
    models = {n: fresh(n, cfg, run.args.seed + 20 + i) for i, n in enumerate(names)}
    # The decoder is fine-tuned by L_rec (ours: the paper keeps SD's VAE frozen; a VAE trained minutes on 2 cores
    # is far from SD's, and D_V enters V_r directly). The encoder stays frozen, so f_d and the latent space do not
    # drift under the U-Net.
    models['vae_decoder'] = construct('vae_decoder', cfg)
    models['vae_decoder'].load_state_dict(vae['models']['vae_decoder'])
    if run.args.frozen_trn is not None:
        models['trn'] = take_frozen_trn(run, run.args.frozen_trn)
    elif (run.out / 'trn.pt').exists():
        # issue "Step 12": the TRN pretrained alone on L_rec (stage trn) starts the joint stage as the restorer, and
        # the diffusion branch learns what it misses
        trn_state = run.load_prev('trn')
        models['trn'].load_state_dict(trn_state['models']['trn'])
        run.extra.setdefault('trn_snapshot_step', trn_state['step'])
        print(f"joint: TRN from {run.out / 'trn.pt'} (step {trn_state['step']})", flush=True)
        if run.args.freeze_trn:
            # the TRN keeps its own (MSE) training in stage trn, where the campaign accumulates it; here only the
            # diffusion branch learns, so L_rec's L1 cannot pull the restorer away from what its stage measured
            models['trn'].requires_grad_(False)
            run.extra['trn_frozen'] = True
    elif run.args.freeze_trn:
        raise SystemExit(f"train: --freeze-trn needs a pretrained {run.out / 'trn.pt'} (run --stage trn first)")
    else:
        # TRN output at zero: T(V_d) = V_d at the start, so V_r starts as D_V.
        if hasattr(models['trn'], 'head'):
            torch.nn.init.zeros_(models['trn'].head.weight)
            torch.nn.init.zeros_(models['trn'].head.bias)
        else:
            models['trn'].zero_init_outputs()
    opt = adam(models, LR['joint'])
    run.extra['start_timestep'] = run.args.start_t
    if run.args.start_t == 'matched':
        run.extra['start_t_max'] = T_MAX
    tok = tokenizer_for(cfg, run.out / 'tokenizer')
    acp = torch.tensor(alphas_cumprod(scheduler_config()), dtype=torch.float32)

    def z_d(b: Batch, frames: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            img = image_embeds(frozen['clip_image_encoder'], frames, cfg.clip_resolution)
            ids = torch.tensor([tok.encode(prompt(p)) for p in b.phrases])
            txt = frozen['clip_text_encoder'](ids)
        return models['degradation_extractor'](img, txt)

    def eps_pred(z_t: torch.Tensor, t: torch.Tensor, f_d: torch.Tensor, zd: torch.Tensor) -> torch.Tensor:
        res = models['dpm'](f_d, z_t, t.float(), zd)
        return models['unet'](z_t, t, zd, list(res[:-1]), res[-1])

    def step(rng: np.random.RandomState) -> dict:
        b = sampler.sample(BATCH['joint'])
        n = b.clean.shape[0]
        with torch.no_grad():
            lat_c = frozen['vae_encoder'](grids(b.clean, cfg)) * sf
            f_d = frozen['vae_encoder'](grids(b.degraded, cfg)) * sf
        zd = z_d(b, b.degraded)
        # L_diff
        t = torch.from_numpy(rng.randint(0, 1000, size=n))
        a = acp[t].reshape(-1, 1, 1, 1)
        eps = torch.randn_like(lat_c)
        l_diff = F.mse_loss(eps_pred(a.sqrt() * lat_c + (1 - a).sqrt() * eps, t, f_d, zd), eps)
        # L_rec through the one-step inference path
        if run.args.start_t == 'matched':
            t2 = matched_timestep(estimate_sigma(b.degraded), acp, 1.0 / sf)  # item 1b: t follows the noise level
        else:
            t2 = torch.from_numpy(rng.randint(1, T_REC + 1, size=n))
        a2 = acp[t2].reshape(-1, 1, 1, 1)
        # Deterministic img2img start (pack default start_noise = 0): no noise is drawn into z_t, so no noise that
        # the compact U-Net cannot predict reaches D_V (see export_pack.DEFAULTS).
        z_t2 = a2.sqrt() * f_d * 1.0
        x0 = (z_t2 - (1 - a2).sqrt() * eps_pred(z_t2, t2, f_d, zd)) / a2.sqrt()
        d_v = ungrids(models['vae_decoder'](x0 / sf), cfg)
        v_r = (d_v - b.degraded) + models['trn'](b.degraded)
        l_rec = (v_r - b.clean).abs().mean()
        # L_con (hinge): positive = window shifted by one frame; negative = a window of the other type
        zp = z_d(b, b.neighbour)
        za, zp = zd.flatten(1), zp.flatten(1)
        dim = za.shape[1]
        other = (b.kind[:, None] != b.kind[None, :]).float()
        if other.sum() > 0:
            d_neg = torch.cdist(za, za).pow(2) / dim
            d_neg = (d_neg * other + 1e6 * (1 - other)).min(dim=1).values
            d_pos = (za - zp).pow(2).sum(1) / dim
            valid = other.sum(1) > 0
            l_con = F.relu(CON_MARGIN + d_pos - d_neg)[valid].mean()
        else:
            l_con = torch.zeros(())
        total = l_diff + LAMBDA_REC * l_rec + LAMBDA_CON * l_con
        return {'total': total, 'diff': l_diff, 'rec': l_rec, 'con': l_con}

    run.loop(models, opt, step)


def take_frozen_trn(run: Run, folder: Path) -> torch.nn.Module:
    """joint --frozen-trn: the diffusion branch learns against another run's TRN, also on a resume (the joint stage's
    own frozen copy is replaced): that run's weight average when kept, and of a two-output TRN (gsdiff-t2) output 0,
    the target the pack's window TRN is exported at (export_pack.py). Returns the frozen TRN, built at that run's depth
    (a gsdiff-t3 TRN beside a gsdiff-t diffusion branch: the branch sees only the TRN's frames out, whatever the depth),
    so a resume does not restore the checkpoint's copy. Where it came from and at which joint step it was taken up are
    recorded (``extra['trn_from']``; the pack's training block shows it as frozen_trn_from)."""
    path = folder / 'trn.pt'
    if not path.exists():
        raise SystemExit(f'train: --frozen-trn: expected a trn run folder with trn.pt, got {folder}')
    state = torch.load(path, map_location='cpu')
    tcfg = CONFIGS[state['config']]
    trn = construct('trn', tcfg)
    trn.load_state_dict(averaged_weights(state, 'trn'))
    if tcfg.trn_outputs > 1:
        trn = mixed(trn, 0.0)  # type: ignore[arg-type]
    weights = trn.state_dict()
    trn.requires_grad_(False)
    run.not_restored.add('trn')
    source = {'run': str(folder), 'config': state['config'], 'step': state['step'],
              'minutes': round(state['elapsed_s'] / 60, 1), 'weights': 'average' if state.get('ema') else 'last-iterate',
              **({'output': 0} if tcfg.trn_outputs > 1 else {})}  # fmt: skip

    def hook(models: dict) -> None:
        models['trn'].load_state_dict(weights)  # over the checkpoint's frozen copy
        previous = run.extra.get('trn_from')
        if previous is None or any(previous.get(k) != v for k, v in source.items()):
            run.extra['trn_from'] = {**source, 'at_step': run.step, **({'before': previous} if previous else {})}
        run.extra['trn_frozen'] = True

    run.on_resume.append(hook)
    print(f"joint: frozen TRN from {path} ({state['config']}, step {state['step']})", flush=True)
    return trn


def stage_redcnn(run: Run, sampler: WindowSampler) -> None:
    models = {'denoiser': RedCnn()}
    opt = adam(models, LR['redcnn'])

    def step(rng: np.random.RandomState) -> dict:
        b = sampler.sample(run.args.batch or BATCH['redcnn'])
        x, y = b.degraded.flatten(0, 1), b.clean.flatten(0, 1)
        loss = F.mse_loss(models['denoiser'](x), y)
        return {'total': loss, 'mse': loss}

    run.loop(models, opt, step)


def stage_trn(run: Run, sampler: WindowSampler) -> None:
    """Issue "Step 12", 1a: the TRN pretrained alone on L_rec, T(V_d) against V_c over whole k-frame windows (MSE,
    the figure PSNR measures), before the joint stage takes it up."""
    models = {'trn': fresh('trn', run.cfg, run.args.seed + 23)}
    if run.args.init_trn is not None and not run.ckpt.exists():
        init_from_single_frame(run, models['trn'], run.args.init_trn)
    opt = adam(models, run.args.lr or LR['trn'])

    own = run.args.own_noise
    if own and getattr(models['trn'], 'outputs', 1) != 2:
        raise SystemExit(f'train: --own-noise needs a TRN with 2 outputs (config gsdiff-t2), got config {run.cfg.name}')

    centre = hasattr(models['trn'], 'centre_noise')  # the RGB U-Net TRN: the loss on frames with true neighbours only

    def step(rng: np.random.RandomState) -> dict:
        b = sampler.sample(run.args.batch or BATCH['trn'])
        if centre:
            t = b.degraded.shape[1] // 2
            loss = F.mse_loss(b.degraded[:, t] - models['trn'].centre_noise(b.degraded), b.clean[:, t])
            with torch.no_grad():
                mse_in = float(F.mse_loss(b.degraded[:, t], b.clean[:, t]))
        elif own:
            noises = models['trn'].noises(b.degraded)
            loss = F.mse_loss(b.degraded - noises[0], b.clean)
            # output 1 against the target without the reference's own noise, where the window gives one
            w = b.own_weight.to(noises.dtype)
            per_window = (b.degraded - noises[1] - b.own_target).pow(2).flatten(1).mean(1)
            loss_own = (per_window * w).sum() / w.sum().clamp(min=1.0)
        else:
            loss = F.mse_loss(models['trn'](b.degraded), b.clean)
        if not centre:
            with torch.no_grad():
                mse_in = float(F.mse_loss(b.degraded, b.clean))
        for key, v in (('ema_mse_in', mse_in), ('ema_mse', float(loss))):
            run.extra[key] = EMA * run.extra.get(key, v) + (1 - EMA) * v
        gain = 10 * math.log10(max(run.extra['ema_mse_in'], 1e-12) / max(run.extra['ema_mse'], 1e-12))
        if own:
            return {'total': loss + loss_own, 'mse': loss, 'mse_own': loss_own, 'gain_db_avg': torch.tensor(gain)}
        return {'total': loss, 'mse': loss, 'gain_db_avg': torch.tensor(gain)}

    run.loop(models, opt, step)


def init_from_single_frame(run: Run, trn: torch.nn.Module, path: Path) -> None:
    """A tconv TRN's first weights from a trained DnCNN (a committed ``dncnn.state.pt`` or a ``dncnn.pt``
    checkpoint): the TRN starts as that denoiser on every frame, and the DnCNN's steps and minutes are recorded as
    the run's lineage (``extra['init']``), so cumulative compute counts them."""
    if not isinstance(trn, TemporalConvTailRefineNetwork):
        raise SystemExit(f'train: --init-trn needs a tconv TRN (config {run.cfg.name} has trn_kind {run.cfg.trn_kind})')
    state = read_state(path) if path.name.endswith('.state.pt') else torch.load(path, map_location='cpu')
    if state.get('stage') == 'trn' and (trn.outputs > 1 or trn_depth(state) < trn.depth):
        init_outputs_from_trn(run, trn, path, state)
        return
    if state.get('stage') != 'dncnn':
        raise SystemExit(f"train: --init-trn {path}: expected a dncnn state or checkpoint, got stage {state.get('stage')!r}")
    try:
        from_single_frame(trn, state['models']['denoiser'])
    except ValueError as e:
        raise SystemExit(f'train: --init-trn {path}: {e}') from e
    run.extra['init'] = {'from': str(path), 'stage': 'dncnn', 'step': state['step'],
                         'minutes': round(state['elapsed_s'] / 60, 2), 'arch': state['extra'].get('arch')}  # fmt: skip
    print(f"train: TRN from {path} (DnCNN, step {state['step']}, {state['elapsed_s'] / 60:.1f} min)", flush=True)


def trn_depth(state: dict) -> int:
    return len(conv_indices(state['models']['trn']))


def init_outputs_from_trn(run: Run, trn: TemporalConvTailRefineNetwork, path: Path, state: dict) -> None:
    """A tconv TRN grown from a trained one: several outputs from a one-output TRN (every output starts as it,
    trn_tconv.with_outputs), or a deeper stack from a shallower TRN of the same outputs (trn_tconv.deepened: the same
    function, the new convs identities). Its weight average when it keeps one; its steps and minutes are the run's
    lineage, as for a DnCNN. The optimiser starts afresh (a warm restart: shapes changed, the moments would be stale)."""
    weights = averaged_weights(state, 'trn')
    try:
        if trn_depth(state) < trn.depth:
            deepened(trn, weights)
        else:
            with_outputs(trn, weights)
    except (ValueError, RuntimeError) as e:
        raise SystemExit(f'train: --init-trn {path}: {e}') from e
    run.extra['init'] = {'from': str(path), 'stage': 'trn', 'config': state.get('config'), 'step': state['step'],
                         'minutes': round(state['elapsed_s'] / 60, 2), 'weights': 'average' if state.get('ema') else 'last',
                         **({'init': state['extra']['init']} if 'init' in state.get('extra', {}) else {})}  # fmt: skip
    print(f"train: TRN outputs from {path} (TRN, step {state['step']}, {state['elapsed_s'] / 60:.1f} min)", flush=True)


def dncnn_arch(args: argparse.Namespace, sampler: WindowSampler) -> dict:
    return {'depth': args.depth, 'width': args.width, 'channels': 1 if sampler.ct_fraction == 1.0 else 3,
            'batch_norm': args.batch_norm}  # fmt: skip


def stage_dncnn(run: Run, sampler: WindowSampler) -> None:
    arch = dncnn_arch(run.args, sampler)  # main checked it against a checkpoint to resume
    model = init_weights(DnCnn(**arch), np.random.RandomState(run.args.seed))
    models = {'denoiser': model}
    opt = torch.optim.Adam(model.parameters(), lr=run.args.lr or LR['dncnn'])
    run.extra['arch'] = arch

    def step(rng: np.random.RandomState) -> dict:
        b = sampler.sample(BATCH['dncnn'])
        x, y = b.degraded.flatten(0, 1), b.clean.flatten(0, 1)
        noise = model.noise(x)  # [B, 1 or 3, h, w]
        target = x - y
        if arch['channels'] == 1:
            target = target.mean(dim=1, keepdim=True)  # CT: the 3 channels are equal
        loss = F.mse_loss(noise, target)
        with torch.no_grad():
            mse_in = float(target.pow(2).mean())
            mse_out = float((noise - target).pow(2).mean())
        for key, v in (('ema_mse_in', mse_in), ('ema_mse', mse_out)):
            run.extra[key] = EMA * run.extra.get(key, v) + (1 - EMA) * v
        gain = 10 * math.log10(max(run.extra['ema_mse_in'], 1e-12) / max(run.extra['ema_mse'], 1e-12))
        avg = torch.tensor(run.extra['ema_mse'])
        return {'total': loss, 'mse': loss, 'mse_avg': avg, 'gain_db_avg': torch.tensor(gain)}

    run.loop(models, opt, step)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--stage', choices=STAGES, required=True)
    p.add_argument('--config', choices=sorted(CONFIGS), default='gsdiff-s')
    p.add_argument('--data', type=Path, default=Path('.cache/training'))
    p.add_argument('--train', required=True, help='comma-separated ct/ and capsule/ folder names under --data')
    p.add_argument('--out', type=Path, required=True)
    p.add_argument('--minutes', type=float, default=None)
    p.add_argument('--steps', type=int, default=None)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--seed', type=int, default=20261126)
    p.add_argument('--save-every', type=float, default=120.0, help='seconds between checkpoints')
    p.add_argument('--ct-fraction', type=float, default=None, help='share of CT windows; default 0.75, dncnn 1.0')
    p.add_argument('--batch', type=int, default=None, help='stages trn and redcnn: windows per step (default 4; redcnn 16)')
    p.add_argument('--crop', type=int, default=None,
                   help='training crop per frame (pixels); default 32 (48 for redcnn, by hand), dncnn 48')
    p.add_argument('--depth', type=int, default=8, help='dncnn: conv layers (receptive field 2 depth + 1 px)')
    p.add_argument('--width', type=int, default=48, help='dncnn: channels of the hidden convs')
    p.add_argument('--batch-norm', action='store_true',
                   help='dncnn: BatchNorm after the middle convs (folded into them at export)')
    p.add_argument('--init-trn', type=Path, default=None,
                   help='trn stage, tconv TRN (config gsdiff-t): start from this trained DnCNN (dncnn.state.pt or '
                        'dncnn.pt), or a trained TRN with fewer outputs (gsdiff-t -> gsdiff-t2) or fewer convs '
                        '(gsdiff-t2 -> gsdiff-t3), instead of the identity, when --out has no trn checkpoint yet')
    p.add_argument('--lr', type=float, default=None,
                   help='learning rate (default: per stage); on a resume it replaces the saved one (a decay phase)')
    p.add_argument('--start-t', choices=('uniform', 'matched'), default='uniform',
                   help='joint: the one-step L_rec start timestep, uniform in 1..T_REC (gsdiff-s) or matched to the '
                        "window's estimated noise SD (gsdiff/noise_level.py; the pack then samples the same way)")
    p.add_argument('--freeze-trn', action='store_true',
                   help='joint stage: keep the pretrained TRN (<out>/trn.pt) fixed; only the diffusion branch learns')
    p.add_argument('--frozen-trn', type=Path, default=None,
                   help='joint stage: the diffusion branch learns against this trn run\'s TRN (its weight average; '
                        'output 0 of a two-output TRN), frozen, also on a resume (replaces the checkpoint\'s copy)')
    p.add_argument('--resume', type=Path, default=None,
                   help='a committed state folder (models/training/state/<run>): start from its <stage>.state.pt '
                        'when --out has no checkpoint of the stage yet')
    p.add_argument('--commit-state', type=Path, default=None,
                   help='write the compact state (<stage>.state.pt) into this folder when the budget ends')
    p.add_argument('--hf-noise', type=float, default=0.0,
                   help='CT inputs get pixel-independent noise of SD u x this x the realisation\'s added top-band SD, '
                        'u uniform in [0, 1) (gsdiff/hf_noise.py); 0: none')
    p.add_argument('--own-noise', action='store_true',
                   help='stage trn, config gsdiff-t2: train the second TRN output on targets without the reference\'s '
                        'own noise (gsdiff/own_noise.py); the first keeps the usual target')
    p.add_argument('--ema', type=float, default=None,
                   help='keep an exponential moving average of the weights with this decay (e.g. 0.999); '
                        'eval_trn.py and export_pack.py then use it (gsdiff/ema.py)')
    p.add_argument('--warm-restart', action='store_true',
                   help='--commit-state without the optimiser moments (weights only; documented in the state)')
    args = p.parse_args()
    if args.minutes is None and args.steps is None:
        raise SystemExit('train: expected --minutes or --steps')
    args.crop = args.crop if args.crop is not None else CROP.get(args.stage, 32)
    args.ct_fraction = args.ct_fraction if args.ct_fraction is not None else CT_FRACTION.get(args.stage, 0.75)
    torch.set_num_threads(args.threads)
    cfg = CONFIGS[args.config]
    cts, clips = load_folder(args.data, [n for n in args.train.split(',') if n])
    # the baselines see single frames; their windows are 1 frame
    from dataclasses import replace

    scfg = replace(cfg, grid_rows=1, grid_cols=1) if args.stage in SINGLE_FRAME else cfg
    sampler = WindowSampler(
        cts, clips, scfg, np.random.RandomState(args.seed), ct_fraction=args.ct_fraction, crop=args.crop,
        hf_noise=args.hf_noise, own_noise=args.own_noise,
    )  # fmt: skip
    if sampler.skipped:
        print(f'train: left out, fewer than {scfg.frames + 1} slices: {", ".join(sampler.skipped)}', flush=True)
    run = Run(args, cfg)
    run.sampler = sampler
    if args.resume is not None and not run.ckpt.exists():
        # the committed state becomes the run's checkpoint; the usual resume then takes it up
        state = read_state(args.resume / f'{args.stage}.state.pt')
        if state['stage'] != args.stage or state['config'] != cfg.name:
            raise SystemExit(f"train: {args.resume}: holds {state['stage']}/{state['config']}, expected {args.stage}/{cfg.name}")
        if state['train'] != args.train:
            print(f"train: resuming a run trained on {state['train']} with --train {args.train}", flush=True)
        write_checkpoint(state, run.ckpt)
        print(f"train: {args.resume}: step {state['step']}, {state['elapsed_s'] / 60:.1f} min, optimizer {state['optimizer']}", flush=True)
    if args.stage == 'dncnn' and run.ckpt.exists():  # before anything is written: a refused run changes nothing
        had, want = torch.load(run.ckpt, map_location='cpu')['extra'].get('arch'), dncnn_arch(args, sampler)
        if had != want:
            raise SystemExit(f'train: {run.ckpt} holds a DnCNN {had}, expected {want} (same flags, or another --out)')
    (args.out / f'{args.stage}.config.json').write_text(json.dumps({
        'stage': args.stage, 'config': cfg.name, 'train': args.train, 'seed': args.seed, 'threads': args.threads,
        'batch': args.batch or BATCH[args.stage], 'lr': args.lr or LR[args.stage], 'torch': torch.__version__,
        'phrases': {'ct': CT_PHRASES, 'rgb': RGB_PHRASES}, 'lambda': [1.0, LAMBDA_REC, LAMBDA_CON],
        'con_margin': CON_MARGIN, 't_rec': T_REC, 'hf_noise': args.hf_noise,
        'own_noise': args.own_noise,
        **({'crop': args.crop, 'ct_fraction': args.ct_fraction, 'arch': dncnn_arch(args, sampler), 'optimizer': 'adam'}
           if args.stage == 'dncnn' else {}),
    }, indent=1) + '\n')  # fmt: skip
    stages = {'aux': stage_aux, 'vae': stage_vae, 'joint': stage_joint, 'redcnn': stage_redcnn, 'dncnn': stage_dncnn,
              'trn': stage_trn}
    stages[args.stage](run, sampler)
    if args.commit_state is not None:
        names = [n for n in args.train.split(',') if n]
        path = write_state(torch.load(run.ckpt, map_location='cpu'), args.commit_state, data_manifest(args.data, names),
                           warm_restart=args.warm_restart)
        print(f'train: state -> {path} ({path.stat().st_size / 1e6:.2f} MB)', flush=True)


if __name__ == '__main__':
    main()
