import { methods } from '../../cli/commands/evaluate.js';

// `gsdiff evaluate`'s rows: without --branches a pack runs as its index says (an RGB series of a pack with
// trn_frame.rgb.diffusion false skips the diffusion branch); with --branches every row forces its branches, 'full'
// included, so a row named "<pack>" with --branches full,trn-only is the full pipeline whatever the pack's default.
describe('gsdiff evaluate rows', () => {
  it('leaves the branches to the pack when --branches is not given', () => {
    const rows = methods(['packs/gsdiff-t/'], { keepAir: false, strength: 'medium' });
    expect(rows).toEqual([
      { name: 'input' },
      { name: 'gsdiff-t', pack: 'packs/gsdiff-t/', skipAir: true, strength: 'medium' },
    ]);
  });

  it('forces every named branch, full included', () => {
    const rows = methods(['p'], { keepAir: true, branches: ['full', 'trn-only'], strengths: ['low', 'high'] });
    expect(rows.slice(1)).toEqual([
      { name: 'p low', pack: 'p', skipAir: false, strength: 'low', branches: 'full' },
      { name: 'p high', pack: 'p', skipAir: false, strength: 'high', branches: 'full' },
      { name: 'p trn-only low', pack: 'p', skipAir: false, strength: 'low', branches: 'trn-only' },
      { name: 'p trn-only high', pack: 'p', skipAir: false, strength: 'high', branches: 'trn-only' },
    ]);
  });
});
