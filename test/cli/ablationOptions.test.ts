import { InvalidArgumentError } from 'commander';
import { branchList, startTimestepList, strengthList } from '../../cli/register/options.js';

// `gsdiff evaluate --branches / --start-timesteps`: the ablation rows of docs/RESULTS.md "Step 12".
describe('evaluate ablation options', () => {
  it('parses branch and start-timestep lists', () => {
    expect(branchList('full, trn-only,diffusion-only')).toEqual(['full', 'trn-only', 'diffusion-only']);
    expect(startTimestepList('1,5, matched')).toEqual([1, 5, 'matched']);
    expect(strengthList('low, medium,high')).toEqual(['low', 'medium', 'high']);
    expect(() => strengthList('low,max')).toThrow('got "max"');
  });

  it('names the bad entry and what the option takes', () => {
    expect(() => branchList('full,trn')).toThrow(InvalidArgumentError);
    expect(() => branchList('full,trn')).toThrow('expected a list of full, trn-only, diffusion-only, got "trn"');
    expect(() => startTimestepList('0')).toThrow('expected a list of integer timesteps 1..999 or "matched", got "0"');
    expect(() => startTimestepList('2.5,matched')).toThrow('got "2.5"');
  });
});
