import { pickRunnable } from '../../../server/jobs/index.js';

describe('pickRunnable', () => {
  const q = (id: string, gpu: boolean) => ({ id, gpu });

  it('starts one GPU job at a time and up to cpuConcurrency CPU jobs, in queue order', () => {
    expect(pickRunnable([q('a', true), q('b', true), q('c', false), q('d', false), q('e', false)], [], 2)).toEqual([
      'a',
      'c',
      'd',
    ]);
  });

  it('counts running jobs against the limits', () => {
    expect(pickRunnable([q('b', true), q('c', false)], [q('a', true)], 1)).toEqual(['c']);
    expect(pickRunnable([q('b', true), q('c', false)], [q('x', false)], 1)).toEqual(['b']);
    expect(pickRunnable([q('b', true), q('c', false)], [q('a', true), q('x', false)], 1)).toEqual([]);
  });

  it('a waiting GPU job does not hold back CPU jobs behind it', () => {
    expect(pickRunnable([q('g', true), q('c', false)], [q('a', true)], 4)).toEqual(['c']);
  });
});
