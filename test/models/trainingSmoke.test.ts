import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

// The CI smoke test of issue "Step 3": real data (10 head-CT slices through the projection-domain simulation, one
// capsule clip), two optimiser steps of every training stage on CPU, export, and the runtime loads and runs the packs.
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
    expect(meta).toMatchObject({ slices: 10, width: 512, doses: [0.25], firstSlice: 1 });
    const clip = await gsdiff(
      'training-data',
      sharedPath('capsule-endoscopy-kvasir-capsule-clips', 'ad91cf7ca91440aa.mp4'),
      '--out',
      data,
    );
    expect(clip.code).toBe(0);

    const runDir = join(dir, 'run');
    const common = ['--data', data, '--train', 'head,ad91cf7ca91440aa', '--out', runDir, '--steps', '2'];
    expect(await py(TRAIN, '--stage', 'aux', ...common, '--ct-fraction', '0.5')).toContain('aux: 2 steps');
    // gsdiff-s's space-to-depth autoencoder is exact: its stage only measures the latent scale
    expect(await py(TRAIN, '--stage', 'vae', ...common)).toMatch(/vae: space-to-depth, latent std 0\.\d+/);
    expect(await py(TRAIN, '--stage', 'joint', ...common, '--ct-fraction', '0.5')).toContain('joint: 2 steps');
    expect(await py(TRAIN, '--stage', 'redcnn', ...common, '--crop', '48')).toContain('redcnn: 2 steps');
    // resuming a finished budget trains nothing more
    expect(await py(TRAIN, '--stage', 'aux', ...common)).toContain('aux: 2 steps');

    const gsdiffPack = join(dir, 'pack-gsdiff');
    const redcnnPack = join(dir, 'pack-redcnn');
    expect(await py(EXPORT, '--run', runDir, '--out', gsdiffPack)).toContain('pack:');
    expect(await py(EXPORT, '--redcnn', runDir, '--out', redcnnPack)).toContain('pack:');

    const frames = Array.from({ length: 9 }, (_, i) => {
      const f = new Float32Array(64 * 64);
      for (let p = 0; p < f.length; p++) f[p] = 40 + 30 * Math.sin(p / 50 + i);
      return f;
    });
    const src: SeriesSource = { kind: 'ct', count: 9, height: 64, width: 64, frame: async (i) => frames[i] };
    for (const dirPack of [gsdiffPack, redcnnPack]) {
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
  }, 900_000);
});
