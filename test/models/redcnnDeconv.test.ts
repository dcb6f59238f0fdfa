import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// RED-CNN runs its transposed convs as the convs they equal (gsdiff/redcnn.py deconv: torch's CPU ConvTranspose2d is
// ~25x slower). The swap must keep the model: same outputs and same gradients as nn.ConvTranspose2d on the same
// weights, so committed RED-CNN states and exported packs mean what they meant.
const DECONV_CHECK = `
import sys, json
sys.dont_write_bytecode = True
sys.path.insert(0, 'models/training')
import torch
from gsdiff.redcnn import RedCnn, deconv
torch.manual_seed(0)
torch.set_num_threads(1)
m = RedCnn(3, 8)
x = torch.randn(2, 3, 24, 24)
# the same network with torch's own transposed convs
def reference(frames):
    saved = torch.nn.modules.conv.ConvTranspose2d.forward
    import gsdiff.redcnn as r
    original = r.deconv
    r.deconv = lambda layer, v: saved(layer, v)
    try:
        return m(frames)
    finally:
        r.deconv = original
out = m(x)
ref = reference(x)
out.pow(2).mean().backward()
g_new = [p.grad.clone() for p in m.deconvs.parameters()]
m.zero_grad()
reference(x).pow(2).mean().backward()
g_ref = [p.grad.clone() for p in m.deconvs.parameters()]
print(json.dumps({
    'shape': list(out.shape),
    'out': float((out - ref).abs().max()),
    'grad': max(float((a - b).abs().max() / (b.abs().max() + 1e-12)) for a, b in zip(g_new, g_ref)),
    'moved': float((out - x).abs().max()),
}))
`;

describe('RED-CNN transposed convs as convs', () => {
  it('gives the outputs and gradients of nn.ConvTranspose2d on the same weights', async () => {
    const { stdout } = await run('/usr/bin/python3', ['-c', DECONV_CHECK], { timeout: 120_000 });
    const r = JSON.parse(stdout) as { shape: number[]; out: number; grad: number; moved: number };
    expect(r.shape).toEqual([2, 3, 24, 24]);
    expect(r.moved).toBeGreaterThan(1e-3); // the network is not the identity, so the comparison means something
    expect(r.out).toBeLessThan(1e-5);
    expect(r.grad).toBeLessThan(1e-4);
  }, 150_000);
});
