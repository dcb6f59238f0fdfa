import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Synthetic CT noise with known parts: a flat 40 HU image x, its "own" noise n (sharp texture, SD 10 HU) and added
// noise s of another texture (smoother) whose power below the top band is the quantum ratio 1/d - 1 times the own, as
// the projection-domain simulation scales a series' fitted spectrum. The plain target y = x + n shares the input's
// own noise (cross-covariance = the own variance); the recorrupted target must not (gsdiff/own_noise.py).
const R2R_CHECK = `
import sys, json
sys.dont_write_bytecode = True
sys.path.insert(0, 'models/training')
import numpy as np, torch, torch.nn.functional as F
from gsdiff.own_noise import recorrupted_target, own_high_pass_var, high_pass
torch.set_num_threads(1)
rng = np.random.RandomState(0)
N, H, W = 6, 96, 96
def coloured(side):
    w = torch.from_numpy(rng.normal(size=(N, H, W)).astype(np.float32))
    k = torch.tensor([side, 1.0, side]); k = k[:, None] * k[None, :]; k = k / k.pow(2).sum().sqrt()
    return F.conv2d(F.pad(w[:, None], (1, 1, 1, 1), mode='reflect'), k[None, None])[:, 0].numpy()
hp = lambda a: high_pass(torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))).numpy()
lo = lambda a: a - hp(a)
x = np.full((N, H, W), 40.0, np.float32)
n = 10 * coloured(0.3)
d = 0.25
s0 = coloured(1.0)
s = s0 * np.sqrt((1 / d - 1) * lo(n).var() / lo(s0).var())
y, z = x + n, x + n + s
own = own_high_pass_var(y)
t, weight = recorrupted_target(y, z, d, own)
out = {'weight': weight, 'weight_high_dose': recorrupted_target(y, z, 0.6, own)[1],
       'own_hp_sd': own ** 0.5, 'true_hp_sd': float(hp(n).std())}
for name, target in (('plain', y), ('r2r', t)):
    for band, f in (('low', lo), ('high', hp)):
        a, b = f(z - x), f(target - x)
        out[f'{name}_{band}'] = float((a * b).mean() / f(n).var())
        out[f'{name}_{band}_var'] = float(b.var() / f(n).var())
print(json.dumps(out))
`;

// A two-output TRN: every output starts as the one-output TRN it is grown from, and a strength's graph (mixed) is
// exactly the mix of the two outputs' noise estimates.
const OUTPUTS_CHECK = `
import sys, json
sys.dont_write_bytecode = True
sys.path.insert(0, 'models/training')
import torch
from gsdiff.trn_tconv import TemporalConvTailRefineNetwork, mixed, with_outputs
torch.manual_seed(0)
one = TemporalConvTailRefineNetwork(3, 8, 1, 3, 1)
two = TemporalConvTailRefineNetwork(3, 8, 1, 3, 2)
x = torch.randn(1, 4, 3, 12, 12)
with_outputs(two, one.state_dict())
start = float((two.noises(x) - one.noise(x)).abs().max())
with torch.no_grad():
    two.convs[-1].weight[3:] += 0.1 * torch.randn_like(two.convs[-1].weight[3:])
    n = two.noises(x)
    mix = float((mixed(two, 0.3).noise(x) - (0.7 * n[0] + 0.3 * n[1])).abs().max())
    apart = float((n[0] - n[1]).abs().max())
errors = []
for call in (lambda: mixed(one, 0.5), lambda: mixed(two, 1.5), lambda: with_outputs(two, two.state_dict())):
    try:
        call()
    except ValueError as e:
        errors.append(str(e))
print(json.dumps({'start': start, 'mix': mix, 'apart': apart, 'errors': errors}))
`;

const py = async (script: string): Promise<Record<string, unknown>> => {
  const { stdout } = await run('/usr/bin/python3', ['-c', script], { timeout: 120_000 });
  return JSON.parse(stdout) as Record<string, unknown>;
};

describe('training target without the reference own noise (train.py --own-noise)', () => {
  it('decorrelates the target noise from the input noise in both bands, where the plain target shares it', async () => {
    const r = (await py(R2R_CHECK)) as Record<string, number>;
    expect(r.weight).toBe(1);
    expect(r.weight_high_dose).toBe(0); // dose 0.6: the added noise is weaker than the own; no target
    expect(r.own_hp_sd).toBeCloseTo(r.true_hp_sd, 0); // the robust estimate on a flat image
    // the plain target carries the own noise into the loss: cross-covariance = the own variance
    expect(r.plain_low).toBeGreaterThan(0.9);
    expect(r.plain_high).toBeGreaterThan(0.9);
    // the recorrupted one: most of it gone (two bands approximate a spectrum; caps keep the target's noise bounded)
    expect(Math.abs(r.r2r_low)).toBeLessThan(0.25);
    expect(Math.abs(r.r2r_high)).toBeLessThan(0.25);
    expect(r.r2r_low_var).toBeLessThan(2.5);
    expect(r.r2r_high_var).toBeLessThan(3.5);
  }, 150_000);

  it('grows a two-output TRN from a one-output one and mixes its outputs exactly', async () => {
    const r = await py(OUTPUTS_CHECK);
    expect(r.start).toBe(0);
    expect(r.apart as number).toBeGreaterThan(1e-3);
    expect(r.mix as number).toBeLessThan(1e-5);
    expect(r.errors).toEqual([
      'mixed: expected a TRN with 2 outputs, got 1',
      'mixed: expected beta in [0, 1], got 1.5',
      'with_outputs: expected a one-output TRN (3 noise channels), got 6',
    ]);
  }, 150_000);
});
