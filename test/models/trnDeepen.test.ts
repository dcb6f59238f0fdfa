import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

// gsdiff-t3 grows from a trained gsdiff-t2 TRN (trn_tconv.deepened): the deeper stack must compute exactly the
// shallower one at the start, and its new convs must learn (an identity that never receives a gradient would make
// the extra depth dead weight).
const DEEPEN_CHECK = `
import sys, json
sys.dont_write_bytecode = True
sys.path.insert(0, 'models/training')
import torch
from gsdiff.trn_tconv import TemporalConvTailRefineNetwork as T, deepened
torch.manual_seed(0)
torch.set_num_threads(1)
src = T(4, 8, 1, 3, 2)
with torch.no_grad():
    for c in src.convs:
        c.bias.add_(0.05 * torch.randn_like(c.bias))  # nonzero biases: some activations clipped by the ReLUs
deep = T(7, 8, 1, 3, 2)
deepened(deep, src.state_dict())
x = torch.randn(2, 4, 3, 16, 16)
start = float((deep.noises(x) - src.noises(x)).abs().max())
# which target convs are the source's: 0, 1 before the middle; 5, 6 after it (2, 3, 4 are identities)
kept = all(torch.equal(deep.convs[j].weight, src.convs[i].weight) for i, j in ((0, 0), (1, 1), (2, 5), (3, 6)))
loss = (deep.noises(x)[1] - 0.1 * x).pow(2).mean()
loss.backward()
grads = [float(deep.convs[j].weight.grad.abs().sum()) for j in (2, 3, 4)]
errors = []
for call in (lambda: deepened(T(7, 12, 1, 3, 2), src.state_dict()),
             lambda: deepened(T(4, 8, 1, 3, 2), src.state_dict()),
             lambda: deepened(T(7, 8, 1, 3, 1), src.state_dict())):
    try:
        call()
    except ValueError as e:
        errors.append(str(e))
print(json.dumps({'start': start, 'kept': kept, 'grads': grads, 'errors': errors}))
`;

describe('deepening a trained TRN (gsdiff-t2 -> gsdiff-t3)', () => {
  it('starts as exactly the shallower TRN, with trainable identity convs in the middle, and names what does not fit', async () => {
    const { stdout } = await run('/usr/bin/python3', ['-c', DEEPEN_CHECK], { timeout: 120_000 });
    const r = JSON.parse(stdout) as { start: number; kept: boolean; grads: number[]; errors: string[] };
    expect(r.start).toBeLessThan(1e-6);
    expect(r.kept).toBe(true);
    for (const g of r.grads) expect(g).toBeGreaterThan(0);
    expect(r.errors).toEqual([
      'deepened: conv 0 is (8, 9, 3, 3), expected (12, 9, 3, 3) (same width, radius and outputs)',
      'deepened: expected a TRN of depth 2..3, got convs [0, 1, 2, 3]',
      'deepened: conv 3 is (6, 8, 3, 3), expected (3, 8, 3, 3) (same width, radius and outputs)',
    ]);
  }, 150_000);
});
