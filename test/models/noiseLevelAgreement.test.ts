import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { estimateWindowNoise, matchedTimestep } from '../../models/index.js';
import { createDdimSchedule } from '../../models/scheduler/index.js';

// The matched start timestep is trained by models/training (gsdiff/noise_level.py) and applied by the runtime
// (estimateWindowNoise + matchedTimestep): both must read the same noise and pick the same t for the same window.
const ROOT = resolve(import.meta.dirname, '..', '..');
const K = 9;
const H = 24;
const W = 20;

describe('noise level: training and runtime agree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-noise-level-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the same sigma and start timestep for windows of 9 and of 1 frames', () => {
    // a window with anatomy, a padded corner (exact zeros in d) and noise of growing level per case
    const cases = [0.004, 0.02, 0.05, 0.12].map((level, c) =>
      Array.from({ length: K }, (_, t) => {
        const f = new Float32Array(3 * H * W);
        for (let p = 0; p < H * W; p++) {
          const y = Math.floor(p / W);
          const x = p % W;
          const pad = y < 4 && x < 4;
          const v = pad
            ? -1
            : 0.1 * Math.sin(x / 3) + 0.01 * t + level * Math.sin(1e4 * Math.sin(p * 12.9898 + t * 78.233 + c));
          f[p] = f[H * W + p] = f[2 * H * W + p] = Math.fround(v);
        }
        return f;
      }),
    );
    const file = join(dir, 'windows.f32');
    writeFileSync(file, Buffer.concat(cases.flat().map((f) => Buffer.from(f.buffer))));
    const script = [
      'import sys, json, numpy as np, torch',
      `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'models', 'training'))})`,
      'from gsdiff.noise_level import estimate_sigma, matched_timestep',
      'from gsdiff.scheduler import alphas_cumprod, scheduler_config',
      `x = torch.from_numpy(np.fromfile(${JSON.stringify(file)}, dtype=np.float32).reshape(${cases.length}, ${K}, 3, ${H}, ${W}))`,
      'acp = torch.tensor(alphas_cumprod(scheduler_config()), dtype=torch.float32)',
      's9 = estimate_sigma(x); s1 = estimate_sigma(x[:, 4:5])',
      'print(json.dumps({"s9": s9.tolist(), "t9": matched_timestep(s9, acp, 0.4218).tolist(), "s1": s1.tolist()}))',
    ].join('\n');
    const py = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' })) as {
      s9: number[];
      t9: number[];
      s1: number[];
    };
    const config = JSON.parse(
      readFileSync(join(ROOT, 'models', 'packs', 'gsdiff-s', 'scheduler', 'scheduler_config.json'), 'utf8'),
    );
    const schedule = createDdimSchedule(config);
    cases.forEach((frames, c) => {
      const s9 = estimateWindowNoise(frames, H, W);
      expect(s9).toBeCloseTo(py.s9[c], 5);
      expect(matchedTimestep(schedule, s9, 0.4218, 25)).toBe(py.t9[c]);
      expect(estimateWindowNoise([frames[4]], H, W)).toBeCloseTo(py.s1[c], 5);
    });
    // the cases span the range: from t = 1 to the cap
    expect(py.t9[0]).toBe(1);
    expect(py.t9[3]).toBe(25);
  });
});
