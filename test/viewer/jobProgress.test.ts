import { jobLineText } from '../../viewer/src/jobLine.js';
import { JobProgressStore, progressText, type JobProgress } from '../../viewer/src/jobProgress.js';

/**
 * One count of a job's progress: the poll, the websocket's records and its frames each report at their own pace; the
 * views (toolbar, job list, pane cover, footer) render the store's one count, which never goes back.
 */
describe('JobProgressStore', () => {
  it('keeps the furthest count any source reported, and tells every listener in the same call', () => {
    const store = new JobProgressStore();
    const seen: [string, JobProgress][] = [];
    store.onChange((id, p) => seen.push([id, p]));
    store.expect('a', 48);
    store.fromFrame('a', { done: 6, total: 48 });
    store.fromRecord({ id: 'a', progress: { done: 1, total: 48 } }); // a poll that lags the stream
    expect(store.get('a')).toEqual({ done: 6, total: 48 });
    store.fromRecord({ id: 'a', progress: { done: 7, total: 48 } }); // ahead of the stream
    expect(store.get('a')).toEqual({ done: 7, total: 48 });
    expect(seen).toEqual([
      ['a', { done: 0, total: 48 }],
      ['a', { done: 6, total: 48 }],
      ['a', { done: 7, total: 48 }],
    ]);
  });

  it('knows the total before the server has assembled the series, and tells nothing when nothing changed', () => {
    const store = new JobProgressStore();
    let calls = 0;
    store.onChange(() => calls++);
    store.fromRecord({ id: 'b', progress: { done: 0, total: 0 } });
    expect(progressText(store.get('b'))).toBe('0/?');
    store.expect('b', 12);
    expect(progressText(store.get('b'))).toBe('0/12');
    store.fromRecord({ id: 'b', progress: { done: 0, total: 0 } });
    expect(calls).toBe(1);
    expect(store.get('unknown')).toEqual({ done: 0, total: 0 });
    expect(store.get(undefined)).toEqual({ done: 0, total: 0 });
  });

  it('keeps jobs apart', () => {
    const store = new JobProgressStore();
    store.fromFrame('a', { done: 3, total: 12 });
    store.fromFrame('b', { done: 1, total: 48 });
    expect([store.get('a'), store.get('b')]).toEqual([
      { done: 3, total: 12 },
      { done: 1, total: 48 },
    ]);
  });
});

describe('jobLineText', () => {
  it('writes the job line with the store count', () => {
    const job = { id: '1f2e3d4c-0000', spec: { task: 'deblur', strength: 'medium' }, state: 'running' } as const;
    expect(jobLineText(job as unknown as Parameters<typeof jobLineText>[0], { done: 6, total: 48 })).toBe(
      'job 1f2e3d4c · deblur · strength medium · running · 6/48',
    );
    expect(jobLineText(undefined, { done: 0, total: 0 })).toBe('');
  });
});
