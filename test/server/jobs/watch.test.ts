import { ctSeries, ended, openEnv, removeDir, waitFor, type Env } from './fixtures.js';

describe('JobService.startWatching (SeriesWatcher over the local store, fake clock)', () => {
  const ct = ctSeries(4);
  let env: Env;
  let t = 0;
  beforeAll(async () => {
    env = await openEnv([ct]);
  });
  afterAll(async () => {
    await env.close();
    removeDir(env.dataDir);
  });

  it('submits a completed series that matches a rule once, never its own output', async () => {
    const watch = env.jobs.startWatching({
      sourceId: 'local',
      rules: [{ name: 'ct-any', modalities: ['CT'] }],
      stableAfterMs: 1000,
      pollIntervalMs: 60_000,
      now: () => t,
      start: false,
    });
    t = 0;
    expect(await watch.poll()).toEqual([]);
    t = 500;
    expect(await watch.poll()).toEqual([]);
    expect(env.jobs.list().total).toBe(0);
    t = 1500;
    const handed = await watch.poll();
    expect(handed.map((s) => s.summary.seriesInstanceUid)).toEqual([ct.series]);
    const [job] = env.jobs.list().jobs;
    expect(job).toMatchObject({
      actor: 'watch:ct-any',
      trigger: { rule: 'ct-any', instances: 4 },
      spec: { sourceId: 'local', seriesInstanceUid: ct.series, task: 'auto' },
    });
    expect(env.audit.entries).toContainEqual(
      expect.objectContaining({ actor: 'watch:ct-any', action: 'job.create', jobId: job.id, outcome: 'ok' }),
    );
    t = 3000;
    expect(await watch.poll()).toEqual([]);
    const done = await waitFor(env.jobs, job.id, ended);
    expect(done.state).toBe('done');

    // The derived series settles too, but is never taken (our own output).
    t = 4000;
    await watch.poll();
    t = 6000;
    expect(await watch.poll()).toEqual([]);
    expect(env.jobs.list().total).toBe(1);
    await watch.stop();
  });

  it('a second delivery of a series already done is not submitted again; non-matching rules take nothing', async () => {
    const again = env.jobs.startWatching({
      sourceId: 'local',
      rules: [{ name: 'ct-any', modalities: ['CT'] }],
      stableAfterMs: 1000,
      pollIntervalMs: 60_000,
      now: () => t,
      start: false,
    });
    const mr = env.jobs.startWatching({
      sourceId: 'local',
      rules: [{ name: 'mr-only', modalities: ['MR'] }],
      stableAfterMs: 1000,
      pollIntervalMs: 60_000,
      now: () => t,
      start: false,
    });
    t = 10_000;
    await again.poll();
    await mr.poll();
    t = 12_000;
    expect((await again.poll()).map((s) => s.summary.seriesInstanceUid)).toEqual([ct.series]);
    expect(await mr.poll()).toEqual([]);
    expect(env.jobs.list().total).toBe(1);
    await again.stop();
    await mr.stop();
    expect(() => env.jobs.startWatching({ sourceId: 'nope', rules: [], stableAfterMs: 1, pollIntervalMs: 1 })).toThrow(
      expect.objectContaining({ code: 'SRV_ERR_CONFIG' }),
    );
  });
});
