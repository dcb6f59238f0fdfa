import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../../common/index.js';
import { loadPack } from '../../models/index.js';
import { gsdiff } from '../helpers/gsdiffCli.js';
import { sharedPath } from '../helpers/sharedData.js';

const run = promisify(execFile);
const PY = '/usr/bin/python3';
const TRAIN = 'models/training/train.py';

/**
 * Issue "Step 12": a fresh clone resumes every committed campaign state (models/training/state/<run>) with the flags
 * the campaign trains it with (docs/RESULTS.md), two steps on small real data, and commits a compact state of its own.
 * A state that no longer matches its code (a renamed layer, a changed config) fails here, not in the next session.
 */
const S = 'models/training/state';
/** Python that rebuilds a run's checkpoint from a committed state (what a session whose .cache/ is gone does). */
const unstate = (src: string, dst: string): string =>
  `import sys; sys.path.insert(0, 'models/training'); from pathlib import Path; ` +
  `from gsdiff.state import read_state, write_checkpoint; s = read_state(Path('${src}')); ` +
  `write_checkpoint(s, Path('${dst}')); print(s['step'])`;

const STATES: {
  state: string;
  stage: string;
  config: string;
  train: 'ct' | 'capsule';
  flags: string[];
  maxMb: number;
}[] = [
  {
    state: 'gsdiff-t2',
    stage: 'trn',
    config: 'gsdiff-t2',
    train: 'ct',
    flags: ['--ema', '0.999', '--hf-noise', '1.0', '--own-noise', '--lr', '1e-4'],
    maxMb: 2,
  },
  {
    state: 'gsdiff-t3',
    stage: 'trn',
    config: 'gsdiff-t3',
    train: 'ct',
    flags: ['--ema', '0.999', '--hf-noise', '1.0', '--own-noise', '--lr', '5e-5'],
    maxMb: 3,
  },
  { state: 'redcnn', stage: 'redcnn', config: 'gsdiff-s', train: 'ct', flags: ['--ema', '0.999'], maxMb: 3 },
  {
    state: 'redcnn-caps',
    stage: 'redcnn',
    config: 'gsdiff-s',
    train: 'capsule',
    flags: ['--ema', '0.999', '--ct-fraction', '0', '--crop', '64', '--batch', '2'],
    maxMb: 3,
  },
  {
    state: 'gsdiff-t-rgb',
    stage: 'trn',
    config: 'gsdiff-t-rgb',
    train: 'capsule',
    flags: ['--ema', '0.999', '--crop', '64', '--batch', '1', '--lr', '5e-4'],
    maxMb: 16,
  },
];

describe('campaign states: a fresh clone resumes each committed state two steps', () => {
  let dir: string;
  let data: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gsdiff-campaign-'));
    data = join(dir, 'data');
    const ct = await gsdiff(
      ...['training-data', sharedPath('ct-ge-head-human-tilted'), '--out', data, '--name', 'head'],
      ...['--doses', '0.25', '--slices', '1-12'],
    );
    expect(ct.code).toBe(0);
    const clip = await gsdiff(
      'training-data',
      sharedPath('capsule-endoscopy-kvasir-capsule-clips', 'ad91cf7ca91440aa.mp4'),
      '--out',
      data,
    );
    expect(clip.code).toBe(0);
  }, 400_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(STATES)(
    'state/$state ($stage, $config) resumes, trains two steps and commits',
    async ({ state, stage, config, train, flags, maxMb }) => {
      const folder = `models/training/state/${state}`;
      const read = `import torch; s = torch.load('${folder}/${stage}.state.pt', map_location='cpu'); print(s['step'], s['config'])`;
      const [committed, committedConfig] = (await run(PY, ['-c', read])).stdout.trim().split(' ');
      const steps = Number(committed);
      expect(committedConfig).toBe(config);
      expect(steps).toBeGreaterThan(100);
      const out = join(dir, `run-${state}`);
      const commit = join(dir, `state-${state}`);
      const { stdout } = await run(
        PY,
        [
          ...[TRAIN, '--stage', stage, '--config', config, '--data', data],
          ...['--train', train === 'ct' ? 'head' : 'ad91cf7ca91440aa', '--out', out, '--threads', '1'],
          ...['--resume', folder, '--steps', String(steps + 2), '--commit-state', commit, ...flags],
        ],
        { maxBuffer: 1 << 24, timeout: 300_000 },
      );
      expect(stdout).toContain(`${folder}: step ${steps}`);
      expect(stdout).toContain(`${stage}: ${steps + 2} steps`);
      const log = (await readFile(join(out, `${stage}.log.jsonl`), 'utf8')).trim().split('\n');
      const rows = log.map((l) => JSON.parse(l) as { step: number; total: number });
      expect(rows.map((r) => r.step)).toEqual([steps + 1, steps + 2]);
      expect(rows.every((r) => Number.isFinite(r.total))).toBe(true);
      expect((await stat(join(commit, `${stage}.state.pt`))).size).toBeLessThan(maxMb * 1e6);
    },
    320_000,
  );

  it('swaps the RGB TRN into a copy of the shipped pack, every other file byte for byte, and the runtime loads it', async () => {
    const shipped = 'models/packs/gsdiff-t';
    const rgbRun = join(dir, 'run-rgb-swap');
    const steps = Number(
      (await run(PY, ['-c', unstate(`${S}/gsdiff-t-rgb/trn.state.pt`, join(rgbRun, 'trn.pt'))])).stdout,
    );
    const out = join(dir, 'pack-swap');
    const swap = (to: string, version: string) =>
      run(
        PY,
        ['models/training/swap_rgb_trn.py', '--pack', shipped, '--rgb-trn', rgbRun, '--version', version, '--out', to],
        {
          maxBuffer: 1 << 24,
          timeout: 300_000,
        },
      );
    const { stdout } = await swap(out, '0.0.2-test');
    expect(stdout).toContain(`(${steps} steps)`);
    type Index = { version: string; files: Record<string, string>; training: { trn_rgb: { steps: number } } };
    const before = JSON.parse(await readFile(join(shipped, 'model_index.json'), 'utf8')) as Index;
    const after = JSON.parse(await readFile(join(out, 'model_index.json'), 'utf8')) as Index;
    expect(after.version).toBe('0.0.2-test');
    expect(after.training.trn_rgb.steps).toBe(steps);
    expect(Object.keys(after.files).sort()).toEqual(Object.keys(before.files).sort());
    for (const [file, sha] of Object.entries(before.files)) {
      if (file === 'trn_frame_rgb/model.onnx') continue;
      expect([file, after.files[file]]).toEqual([file, sha]);
      expect((await readFile(join(out, file))).equals(await readFile(join(shipped, file)))).toBe(true);
    }
    // loadPack checks every file against the index's sha256: the new graph's entry is its own
    const pack = await loadPack(out, { device: 'cpu', logger: createLogger('silent') });
    expect(pack.index.version).toBe('0.0.2-test');
    await pack.release();
    // the staging folder is gone, and it never writes over its source
    await expect(stat(`${out}.partial`)).rejects.toThrow();
    await expect(swap(shipped, 'x')).rejects.toThrow(/--out must differ from --pack/);
  }, 300_000);

  it('the joint state resumes against the deeper gsdiff-t3 TRN, frozen, and exports a pack with that TRN', async () => {
    // the run folder a session rebuilds from the committed states (.cache/ does not survive): aux, vae and a trn run
    const out = join(dir, 'run-joint');
    const trnRun = join(dir, 'run-t3');
    await run(PY, ['-c', unstate(`${S}/gsdiff-t/aux.state.pt`, join(out, 'aux.pt'))]);
    await run(PY, ['-c', unstate(`${S}/gsdiff-t/vae.state.pt`, join(out, 'vae.pt'))]);
    const t3 = Number((await run(PY, ['-c', unstate(`${S}/gsdiff-t3/trn.state.pt`, join(trnRun, 'trn.pt'))])).stdout);
    const read = `import torch; s = torch.load('${S}/gsdiff-t/joint.state.pt', map_location='cpu'); print(s['step'])`;
    const steps = Number((await run(PY, ['-c', read])).stdout);
    const { stdout } = await run(
      PY,
      [
        ...[TRAIN, '--stage', 'joint', '--config', 'gsdiff-t', '--data', data, '--train', 'head', '--ct-fraction', '1'],
        ...['--out', out, '--threads', '1', '--resume', `${S}/gsdiff-t`, '--frozen-trn', trnRun],
        ...['--steps', String(steps + 2)],
      ],
      { maxBuffer: 1 << 24, timeout: 300_000 },
    );
    expect(stdout).toContain(`joint: frozen TRN from ${join(trnRun, 'trn.pt')} (gsdiff-t3, step ${t3})`);
    expect(stdout).toContain(`joint: ${steps + 2} steps`);
    const check =
      `import torch, json; s = torch.load('${join(out, 'joint.pt')}', map_location='cpu'); ` +
      `convs = sorted({int(k.split('.')[1]) for k in s['models']['trn'] if k.startswith('convs.')}); ` +
      `print(json.dumps({'depth': len(convs), 'outputs': s['models']['trn'][f'convs.{convs[-1]}.bias'].shape[0], ` +
      `'frozen': s['extra']['trn_from']['config'], 'at': s['extra']['trn_from']['at_step']}))`;
    const saved = JSON.parse((await run(PY, ['-c', check])).stdout) as Record<string, unknown>;
    // 12 convs, one output (output 0 of the two-output TRN), taken up at the committed step
    expect(saved).toEqual({ depth: 12, outputs: 3, frozen: 'gsdiff-t3', at: steps });
    const pack = join(dir, 'pack-joint');
    const exported = await run(
      PY,
      [
        ...['models/training/export_pack.py', '--run', out, '--trn', trnRun, '--start-timestep', '1'],
        ...['--trn-strengths', '0,0.5,1', '--version', '0.0.1-test', '--out', pack],
      ],
      { maxBuffer: 1 << 24, timeout: 300_000 },
    );
    expect(exported.stdout).toContain('pack:');
    const index = JSON.parse(await readFile(join(pack, 'model_index.json'), 'utf8')) as {
      training: { joint: { frozen_trn_from: { config: string } } };
    };
    expect(index.training.joint.frozen_trn_from.config).toBe('gsdiff-t3');
  }, 600_000);

  it('a run whose budget is already spent commits the state without recording a training session', async () => {
    const folder = 'models/training/state/redcnn';
    const sessions = (path: string): string =>
      `import torch; s = torch.load('${path}', map_location='cpu'); print(s['step'], len(s['extra']['sessions']))`;
    const [steps, count] = (await run(PY, ['-c', sessions(`${folder}/redcnn.state.pt`)])).stdout.trim().split(' ');
    const out = join(dir, 'run-spent');
    const commit = join(dir, 'state-spent');
    await run(
      PY,
      [
        ...[TRAIN, '--stage', 'redcnn', '--config', 'gsdiff-s', '--data', data, '--train', 'head', '--out', out],
        ...['--threads', '1', '--resume', folder, '--steps', steps, '--commit-state', commit, '--ema', '0.999'],
      ],
      { maxBuffer: 1 << 24, timeout: 300_000 },
    );
    const after = (await run(PY, ['-c', sessions(join(commit, 'redcnn.state.pt'))])).stdout.trim();
    expect(after).toBe(`${steps} ${count}`);
  }, 120_000);
});
