import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../common/index.js';
import { loadPack, restoreSeries, type SeriesSource } from '../../models/index.js';
import { gsdiff } from '../helpers/gsdiffCli.js';
import { sharedPath } from '../helpers/sharedData.js';

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const TRAIN = 'models/training/train.py';
const EXPORT = 'models/training/export_pack.py';
const FIXTURE = 'models/training/training_data_fixture.py';

/** What `training_data_fixture.py check` prints (models/training/gsdiff/data.py read and sampled). */
interface DataCheck {
  series: Record<string, { format: number; realisations: { id: string; slices: number }[] }>;
  windows: number;
  share: Record<string, number>;
  fixture: { windows: number; mixed: number; misaligned: number; wrongRealisation: number; notConsecutive: number };
  params: Record<string, unknown>;
  paramsByIndex: Record<string, unknown>;
  longWindows: { skipped: string[]; drawn: Record<string, number> };
  errors: Record<string, string>;
}

// The torch reference of a DnCNN checkpoint on one CT frame, as the runtime runs a denoiser pack on a frame smaller
// than its tile: HU window [-1024, 1024] -> model range, edge-padded to the tile at the bottom and right, three equal
// channels, the network, and HU_out = HU_in + mean_c(restored - input) * 1024.
const DNCNN_REFERENCE = `
import sys
sys.dont_write_bytecode = True
import numpy as np, torch
sys.path.insert(0, 'models/training')
from gsdiff.dncnn import from_checkpoint
torch.set_num_threads(1)
ckpt, src, dst = sys.argv[1:4]
h, w, tile = (int(v) for v in sys.argv[4:7])
hu = np.fromfile(src, '<f4').reshape(h, w)
x = np.pad(np.clip((hu + 1024) / 1024 - 1, -1, 1), ((0, tile - h), (0, tile - w)), mode='edge')
x = torch.from_numpy(x).float()[None, None].expand(1, 3, tile, tile)
with torch.no_grad():
    y = from_checkpoint(torch.load(ckpt, map_location='cpu'))(x)
(hu + (y - x).mean(1)[0, :h, :w].numpy() * 1024).astype('<f4').tofile(dst)
`;

// The CI smoke test of issue "Step 3": real data (10 head-CT slices through the projection-domain simulation, one
// capsule clip), two optimiser steps of every training stage on CPU, export, and the runtime loads and runs the packs.
// The DnCNN baseline also trains on a synthetic format-2 folder (several realisations, one shared clean file), and its
// packs must reproduce torch through the runtime.
describe('training smoke: two steps per stage, export, runtime', () => {
  let dir: string;
  const logger = createLogger('silent');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gsdiff-train-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const py = async (...args: string[]): Promise<string> => {
    const { stdout } = await run(PY, args, { maxBuffer: 1 << 24, timeout: 600_000 });
    return stdout;
  };

  it('exports training data, trains every stage two steps, exports packs the runtime loads and runs', async () => {
    const data = join(dir, 'data');
    const ct = await gsdiff(
      'training-data',
      sharedPath('ct-ge-head-human-tilted'),
      '--out',
      data,
      '--name',
      'head',
      '--doses',
      '0.25',
      '--slices',
      '1-10',
    );
    expect(ct.stderr).toBe('');
    expect(ct.code).toBe(0);
    const meta = JSON.parse(await readFile(join(data, 'ct', 'head', 'meta.json'), 'utf8')) as Record<string, unknown>;
    // models/training reads format 1 (one realisation per dose) and format 2 (realisations) alike
    if (meta.format === 1) expect(meta).toMatchObject({ slices: 10, width: 512, doses: [0.25], firstSlice: 1 });
    else expect(meta).toMatchObject({ format: 2, kind: 'ct', width: 512, height: 512 });
    const clip = await gsdiff(
      'training-data',
      sharedPath('capsule-endoscopy-kvasir-capsule-clips', 'ad91cf7ca91440aa.mp4'),
      '--out',
      data,
    );
    expect(clip.code).toBe(0);

    // data.py on both formats: windows of one realisation, realisations uniform within a series, series uniform
    expect(await py(FIXTURE, 'write', '--out', data, '--name', 'fixture2')).toContain('fixture:');
    const check = JSON.parse(await py(FIXTURE, 'check', '--data', data, '--names', 'head,fixture2')) as DataCheck;
    expect(check.series.fixture2).toEqual({
      format: 2,
      realisations: [
        { id: 'r00', slices: 6 },
        { id: 'r01', slices: 6 },
        { id: 'r02', slices: 4 },
      ],
    });
    expect(check.series.head.format).toBe(meta.format);
    if (meta.format === 1) expect(check.series.head.realisations).toEqual([{ id: 'dose0250', slices: 10 }]);
    expect(check.series.head.realisations.length).toBeGreaterThan(0);
    expect(check.fixture).toEqual({
      windows: expect.any(Number),
      mixed: 0,
      misaligned: 0,
      wrongRealisation: 0,
      notConsecutive: 0,
    });
    expect(check.fixture.windows).toBeGreaterThan(check.windows / 3);
    // 3000 windows: a share lies within 0.02 of its expectation (over 4 sigma); drawing realisations uniformly over
    // all series instead (1/4 of them from head with one head realisation, 3/4 from fixture2) misses by far more
    for (const [name, s] of Object.entries(check.series)) {
      const shares = s.realisations.map((r) => check.share[`${name}/${r.id}`]);
      const total = shares.reduce((a, b) => a + b, 0);
      expect(Math.abs(total - 0.5)).toBeLessThan(0.02);
      for (const share of shares) expect(Math.abs(share - 0.5 / shares.length)).toBeLessThan(0.02);
    }
    const entry = {
      id: 'r02',
      slices: 4,
      doseFraction: 0.25,
      thicknessSlices: 2,
      sliceThicknessMm: 2.5,
      kernel: { window: 'hann', cutoff: 0.8 },
      electronicNoiseVariance: 10,
      incidentPhotons: 120000,
      seed: 103,
      fixtureOffsetHu: 90,
    };
    expect(check.params).toEqual(entry);
    expect(check.paramsByIndex).toMatchObject({ id: 'r00', doseFraction: 0.25, thicknessSlices: 1 });
    // windows longer than a realisation leave it out (named), the others share the series
    expect(check.longWindows.skipped).toEqual(['fixture2/r02 (4 slices)']);
    expect(Object.keys(check.longWindows.drawn)).toEqual(['r00', 'r01']);
    expect(check.errors).toEqual({
      truncated: '<fixture>/r01.noisy.i16: expected 49152 bytes (6x64x64 int16) for realisation r01 (noisy), got 49150',
      sharedClean:
        '<fixture>/r00.clean.i16: expected one slice count per file, got 6 for realisation r00 (clean) and 5 for realisation r01 (clean)',
      missingFiles:
        '<fixture>/meta.json: realisations[2].files: expected an object {"clean": file, "noisy": file}, got null',
      format: "<fixture>/meta.json: expected format 1 or 2 kind 'ct', got 3 'ct'",
      tooShort: 'fixture2: expected a realisation of at least 10 slices for 9-frame windows, got [6, 6, 4]',
    });

    const runDir = join(dir, 'run');
    const common = ['--data', data, '--train', 'head,ad91cf7ca91440aa', '--out', runDir, '--steps', '2'];
    expect(await py(TRAIN, '--stage', 'aux', ...common, '--ct-fraction', '0.5')).toContain('aux: 2 steps');
    // gsdiff-s's space-to-depth autoencoder is exact: its stage only measures the latent scale
    expect(await py(TRAIN, '--stage', 'vae', ...common)).toMatch(/vae: space-to-depth, latent std 0\.\d+/);
    expect(await py(TRAIN, '--stage', 'joint', ...common, '--ct-fraction', '0.5')).toContain('joint: 2 steps');
    expect(await py(TRAIN, '--stage', 'redcnn', ...common, '--crop', '48')).toContain('redcnn: 2 steps');
    // DnCNN: CT only by default, on the exported series (format 1 or 2) and the format-2 fixture; resumed to 3 steps
    const dncnn = ['--data', data, '--train', 'head,fixture2', '--out', runDir, '--threads', '1'];
    expect(await py(TRAIN, '--stage', 'dncnn', ...dncnn, '--steps', '2')).toContain('dncnn: 2 steps');
    const resumed = await py(TRAIN, '--stage', 'dncnn', ...dncnn, '--steps', '3');
    expect(resumed).toContain('resumed');
    expect(resumed).toContain('dncnn: 3 steps');
    await expect(py(TRAIN, '--stage', 'dncnn', ...dncnn, '--steps', '4', '--width', '32')).rejects.toThrow(
      /holds a DnCNN .*'width': 48.*, expected .*'width': 32/,
    );
    const rows = (await readFile(join(runDir, 'dncnn.log.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3]);
    for (const r of rows) {
      expect(r.mse).toBeGreaterThan(0);
      expect(Number.isFinite(r.mse_avg) && Number.isFinite(r.gain_db_avg)).toBe(true);
    }
    // with BatchNorm (folded into the convs at export), small
    const runBn = join(dir, 'run-bn');
    const bn = ['--data', data, '--train', 'fixture2', '--out', runBn, '--steps', '2', '--threads', '1'];
    expect(await py(TRAIN, '--stage', 'dncnn', ...bn, '--batch-norm', '--depth', '4', '--width', '8')).toContain(
      'dncnn: 2 steps',
    );
    // --ema: the weight average is checkpointed, committed, kept by a resume without the flag, and exported
    const runEma = join(dir, 'run-ema');
    const ema = [
      '--data',
      data,
      '--train',
      'fixture2',
      '--out',
      runEma,
      '--threads',
      '1',
      '--depth',
      '4',
      '--width',
      '8',
    ];
    expect(await py(TRAIN, '--stage', 'dncnn', ...ema, '--steps', '3', '--ema', '0.5')).toContain('dncnn: 3 steps');
    const stateEma = join(dir, 'state-ema');
    expect(await py(TRAIN, '--stage', 'dncnn', ...ema, '--steps', '5', '--commit-state', stateEma)).toContain(
      'dncnn: 5 steps',
    );
    const emaFacts = JSON.parse(
      (
        await run(PY, [
          '-c',
          [
            'import json, sys, torch',
            `c = torch.load('${join(runEma, 'dncnn.pt')}', map_location='cpu')`,
            `s = torch.load('${join(stateEma, 'dncnn.state.pt')}', map_location='cpu')`,
            "k = next(iter(c['ema']['denoiser']))",
            "gap = float((c['ema']['denoiser'][k] - c['models']['denoiser'][k]).abs().max())",
            "print(json.dumps({'updates': c['ema_updates'], 'gap': gap, 'state': s['ema_updates'], " +
              "'dtype': str(s['ema']['denoiser'][k].dtype)}))",
          ].join('\n'),
        ])
      ).stdout,
    ) as { updates: number; gap: number; state: number; dtype: string };
    expect(emaFacts).toMatchObject({ updates: 5, state: 5, dtype: 'torch.float16' });
    expect(emaFacts.gap).toBeGreaterThan(0);
    const emaPack = join(dir, 'pack-ema');
    expect(await py(EXPORT, '--dncnn', runEma, '--out', emaPack)).toContain('pack:');
    const emaIndex = JSON.parse(await readFile(join(emaPack, 'model_index.json'), 'utf8')) as {
      training: { dncnn: { weights: unknown } };
    };
    expect(emaIndex.training.dncnn.weights).toEqual({ average: { decay: 0.5, from_step: 0 } });
    // a fresh clone resumes from the committed state (issue "Step 12": training accumulates across sessions), two
    // steps on this data, and commits its own compact state
    const COMMITTED_DNCNN_STEPS = Number(
      (
        await run(PY, [
          '-c',
          "import torch; print(torch.load('models/training/state/dncnn/dncnn.state.pt', map_location='cpu')['step'])",
        ])
      ).stdout.trim(),
    );
    expect(COMMITTED_DNCNN_STEPS).toBeGreaterThan(1000);
    const runCommitted = join(dir, 'run-committed');
    const stateOut = join(dir, 'state');
    const fromState = await py(
      TRAIN,
      ...['--stage', 'dncnn', '--data', data, '--train', 'head', '--out', runCommitted, '--threads', '1'],
      ...['--resume', 'models/training/state/dncnn', '--steps', String(COMMITTED_DNCNN_STEPS + 2)],
      ...['--commit-state', stateOut],
    );
    expect(fromState).toContain(`models/training/state/dncnn: step ${COMMITTED_DNCNN_STEPS}`);
    expect(fromState).toContain(`dncnn: ${COMMITTED_DNCNN_STEPS + 2} steps`);
    const committedLog = (await readFile(join(runCommitted, 'dncnn.log.jsonl'), 'utf8')).trim().split('\n');
    expect(committedLog.map((l) => (JSON.parse(l) as { step: number }).step)).toEqual([
      COMMITTED_DNCNN_STEPS + 1,
      COMMITTED_DNCNN_STEPS + 2,
    ]);
    expect((await stat(join(stateOut, 'dncnn.state.pt'))).size).toBeLessThan(2e6);
    // resuming a finished budget trains nothing more
    expect(await py(TRAIN, '--stage', 'aux', ...common)).toContain('aux: 2 steps');

    // gsdiff-n (issue "Step 12"): the NAFNet TRN pretrained alone (stage trn), then taken up by the joint stage
    const runN = join(dir, 'run-n');
    await mkdir(runN);
    for (const f of ['aux.pt', 'vae.pt']) await copyFile(join(runDir, f), join(runN, f));
    const nArgs = ['--config', 'gsdiff-n', '--data', data, '--train', 'head', '--out', runN, '--steps', '2'];
    expect(await py(TRAIN, '--stage', 'trn', ...nArgs, '--threads', '1')).toContain('trn: 2 steps');
    const jointN = await py(TRAIN, '--stage', 'joint', ...nArgs, '--ct-fraction', '1', '--threads', '1');
    expect(jointN).toContain('joint: TRN from');
    expect(jointN).toContain('joint: 2 steps');
    const gsdiffNPack = join(dir, 'pack-gsdiff-n');
    expect(await py(EXPORT, '--run', runN, '--out', gsdiffNPack)).toContain('pack:');
    const indexN = JSON.parse(await readFile(join(gsdiffNPack, 'model_index.json'), 'utf8')) as {
      training: Record<string, { steps: number; sessions?: Record<string, { hardware: string; to_step: number }> }>;
    };
    // provenance per stage and per session (hardware, step range): the cumulative campaign behind a pack
    expect(indexN.training.trn.steps).toBe(2);
    expect(indexN.training.trn.sessions?.['1']).toMatchObject({ hardware: expect.any(String), to_step: 2 });
    expect(indexN.training.joint.steps).toBe(2);

    const gsdiffPack = join(dir, 'pack-gsdiff');
    const redcnnPack = join(dir, 'pack-redcnn');
    expect(await py(EXPORT, '--run', runDir, '--out', gsdiffPack)).toContain('pack:');
    expect(await py(EXPORT, '--redcnn', runDir, '--out', redcnnPack)).toContain('pack:');
    const dncnnPack = join(dir, 'pack-dncnn');
    const dncnnBnPack = join(dir, 'pack-dncnn-bn');
    expect(await py(EXPORT, '--dncnn', runDir, '--out', dncnnPack)).toContain('pack:');
    expect(await py(EXPORT, '--dncnn', runBn, '--out', dncnnBnPack)).toContain('pack:');
    const index = JSON.parse(await readFile(join(dncnnPack, 'model_index.json'), 'utf8')) as Record<string, unknown>;
    expect(index).toMatchObject({
      _class_name: 'DenoiserPipeline',
      name: 'dncnn',
      components: { denoiser: 'denoiser/model.onnx' },
      files: { 'denoiser/model.onnx': expect.stringMatching(/^[0-9a-f]{64}$/) },
      tile: { height: 192, width: 192 },
      defaults: { tile_overlap: 32 },
      mapping: { ct: { low_hu: -1024, high_hu: 1024 } },
      training: {
        dncnn: {
          steps: 3,
          seed: 20261126,
          torch: expect.any(String),
          train: 'head,fixture2',
          receptive_field_px: 17,
          settings: { crop: 48, ct_fraction: 1, arch: { depth: 8, width: 48, channels: 1, batch_norm: false } },
        },
      },
    });

    const frames = Array.from({ length: 9 }, (_, i) => {
      const f = new Float32Array(64 * 64);
      for (let p = 0; p < f.length; p++) f[p] = 40 + 30 * Math.sin(p / 50 + i);
      return f;
    });
    const src: SeriesSource = { kind: 'ct', count: 9, height: 64, width: 64, frame: async (i) => frames[i] };
    for (const dirPack of [gsdiffPack, gsdiffNPack, redcnnPack, dncnnPack]) {
      const pack = await loadPack(dirPack, { device: 'cpu', logger });
      try {
        const got: number[] = [];
        for await (const ev of restoreSeries(pack, src, {
          noise: (n) => new Float32Array(n).fill(0.1),
          header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
        })) {
          if (ev.type === 'frame') {
            got.push(ev.index);
            expect((ev.values as Float32Array).every((v) => Number.isFinite(v))).toBe(true);
          }
        }
        expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      } finally {
        await pack.release();
      }
    }

    // the DnCNN packs through the runtime reproduce their torch checkpoints (BatchNorm folded in the second)
    await writeFile(join(dir, 'frame0.f32'), frames[0]);
    const one: SeriesSource = { ...src, count: 1 };
    for (const [packDir, ckpt] of [
      [dncnnPack, join(runDir, 'dncnn.pt')],
      [dncnnBnPack, join(runBn, 'dncnn.pt')],
    ]) {
      const ref = join(dir, 'reference.f32');
      await py('-c', DNCNN_REFERENCE, ckpt, join(dir, 'frame0.f32'), ref, '64', '64', '192');
      const bytes = await readFile(ref);
      const want = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      expect(want.length).toBe(64 * 64);
      const pack = await loadPack(packDir, { device: 'cpu', logger });
      try {
        const got: Float32Array[] = [];
        for await (const ev of restoreSeries(pack, one, {
          noise: (n) => new Float32Array(n),
          header: { modality: 'CT', samplesPerPixel: 1, acquisition: {} },
          strength: 'high', // the network's own output, unblended, is what the checkpoint reproduces
        }))
          if (ev.type === 'frame') got.push(ev.values as Float32Array);
        expect(got).toHaveLength(1);
        let change = 0;
        let err = 0;
        for (let p = 0; p < want.length; p++) {
          change = Math.max(change, Math.abs(want[p] - frames[0][p]));
          err = Math.max(err, Math.abs(got[0][p] - want[p]));
        }
        expect(change).toBeGreaterThan(0.5); // trained a few steps from the identity, it changes the frame (HU)
        expect(err).toBeLessThan(0.01); // HU
      } finally {
        await pack.release();
      }
    }
  }, 900_000);
});
