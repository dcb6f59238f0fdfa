import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';

const run = promisify(execFile);

// The RGB TRN (models/training/gsdiff/trn_unet.py): identity when untrained, the centre-frame loss path equal to the
// window path, and its per-frame graph (export_pack.py rgb_trn_spec: CentreFrameTrn, dynamic H and W) equal to torch
// on sizes that are not multiples of the U-Net's 8, where the graph pads and crops itself.
const CHECK = `
import sys, json
sys.dont_write_bytecode = True
sys.path.insert(0, 'models/training')
from pathlib import Path
import numpy as np, torch
from gsdiff.build import construct, init_random
from gsdiff.config import CONFIGS
from gsdiff.trn_tconv import CentreFrameTrn
from export_pack import rgb_trn_spec
from gsdiff.onnx_io import export
torch.set_num_threads(1)
out = Path(sys.argv[1])
cfg = CONFIGS['gsdiff-t-rgb']
trn = construct('trn', cfg)
init_random(trn, np.random.RandomState(3))
trn.zero_init_outputs()
g = torch.Generator().manual_seed(0)
frames = torch.rand(2, 5, 3, 29, 43, generator=g) * 2 - 1
with torch.no_grad():
    identity = float((trn(frames) - frames).abs().max())
init_random(trn, np.random.RandomState(4))  # every weight non-zero: the graph check sees the whole network
trn.eval()
with torch.no_grad():
    centre = trn.centre_noise(frames)
    window = trn.noises(frames)[0][:, 2]
spec = rgb_trn_spec(trn)
path = out / 'trn_frame_rgb.onnx'
export(spec.module, spec.make_inputs(0, torch.Generator().manual_seed(1)), path, list(spec.inputs), list(spec.outputs),
       {n: axes for n, (_, axes) in spec.inputs.items()} | dict(spec.outputs))
cases = []
for i, (n, h, w) in enumerate(((1, 37, 53), (2, 64, 48), (1, 9, 130))):
    looks = torch.rand(n, 15, h, w, generator=g) * 2 - 1
    with torch.no_grad():
        ref = CentreFrameTrn(trn)(looks)
    looks.numpy().astype('<f4').tofile(out / f'looks{i}.bin')
    ref.numpy().astype('<f4').tofile(out / f'ref{i}.bin')
    cases.append([n, h, w])
print(json.dumps({'identity': identity, 'centre_vs_window': float((centre - window).abs().max()),
                  'noise_scale': float(window.abs().max()), 'cases': cases,
                  'params': sum(p.numel() for p in trn.parameters())}))
`;

describe('RGB TRN (trn_unet.py): identity at start, centre loss path, per-frame graph at any size', () => {
  let dir: string;
  let report: { identity: number; centre_vs_window: number; noise_scale: number; cases: number[][]; params: number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gsdiff-trn-unet-'));
    const { stdout } = await run('/usr/bin/python3', ['-c', CHECK, dir], { maxBuffer: 1 << 22, timeout: 300_000 });
    report = JSON.parse(stdout) as typeof report;
  }, 320_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts as the identity and trains the centre frame through the same network as the window', () => {
    expect(report.identity).toBe(0);
    expect(report.noise_scale).toBeGreaterThan(1e-3);
    expect(report.centre_vs_window).toBeLessThan(1e-6);
    expect(report.params).toBeGreaterThan(1e6);
  });

  it('the exported per-frame graph equals torch on sizes that are not multiples of 8', async () => {
    const session = await ort.InferenceSession.create(join(dir, 'trn_frame_rgb.onnx'));
    try {
      expect(session.inputNames).toEqual(['looks']);
      expect(session.outputNames).toEqual(['refined']);
      for (const [i, [n, h, w]] of report.cases.entries()) {
        const looks = new Float32Array((await readFile(join(dir, `looks${i}.bin`))).buffer.slice(0));
        const ref = new Float32Array((await readFile(join(dir, `ref${i}.bin`))).buffer.slice(0));
        const out = await session.run({ looks: new ort.Tensor('float32', looks, [n, 15, h, w]) });
        const got = out.refined;
        expect(got.dims).toEqual([n, 3, h, w]);
        const data = got.data as Float32Array;
        let worst = 0;
        for (let p = 0; p < ref.length; p++) worst = Math.max(worst, Math.abs(data[p] - ref[p]));
        expect(worst).toBeLessThan(1e-4);
      }
    } finally {
      await session.release();
    }
  });
});
