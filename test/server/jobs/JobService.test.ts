import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { newUid, parseInstance, readNaturalDataset } from '../../../pacs-adapters/index.js';
import type { JobRecord } from '../../../server/jobs/index.js';
import { ctSeries, ended, MemoryPacs, openEnv, removeDir, waitFor, type Env } from './fixtures.js';

const SLICES = 12;

describe('JobService', () => {
  const a = ctSeries(SLICES);
  let env: Env;
  beforeAll(async () => {
    env = await openEnv([a]);
  });
  afterAll(async () => {
    await env.close();
    removeDir(env.dataDir);
  });

  it('runs a job through pull, restore, publish: record, frames on disk, one derived series', async () => {
    const seen: string[] = [];
    const job = await env.jobs.submit(
      { sourceId: 'local', studyInstanceUid: a.study, seriesInstanceUid: a.series, task: 'denoise' },
      'tester',
    );
    expect(job).toMatchObject({ state: 'queued', attempts: 0, actor: 'tester', progress: { done: 0, total: 0 } });
    const off = env.jobs.subscribe(job.id, (ev) => {
      if (ev.type === 'job') seen.push(ev.job.stage ? `${ev.job.state}:${ev.job.stage}` : ev.job.state);
    });
    const done = await waitFor(env.jobs, job.id, ended);
    off();
    expect(done.state).toBe('done');
    expect(done.error).toBeUndefined();
    expect(done.progress).toEqual({ done: SLICES, total: SLICES });
    expect(done.attempts).toBe(1);
    expect(done.spec.strength).toBe('medium'); // the default, recorded
    expect(done.degradation).toMatch(/noise/);
    expect(done.timings.pull).toEqual(expect.any(Number));
    expect(done.timings.publish).toEqual(expect.any(Number));
    expect(done.timings.restore?.total).toBeGreaterThan(0);
    expect(done.startedAt && done.finishedAt && done.publishedAt).toBeTruthy();
    expect(seen).toEqual(expect.arrayContaining(['running:pull', 'running:restore', 'running:publish', 'done']));

    const derived = env.store.listInstances(done.derivedSeriesInstanceUid as string);
    expect(derived).toHaveLength(SLICES);
    const first = parseInstance(readFileSync(derived[0].path), derived[0].path).header;
    expect(first.studyInstanceUid).toBe(a.study);
    expect(first.seriesDescription).toMatch(/ \[GSDiff\] strength medium$/);
    const ds = readNaturalDataset(readFileSync(derived[0].path), derived[0].path);
    expect(String(ds.DerivationDescription)).toMatch(
      /img2img_strength=1, .*; strength medium \(blend 0\.75 with the input/,
    );

    const frames = join(env.dataDir, 'jobs', job.id, 'frames');
    const bins = readdirSync(frames).filter((f) => f.endsWith('.bin'));
    expect(bins).toHaveLength(SLICES);
    expect(readFileSync(join(frames, '0.bin')).byteLength).toBe(32 * 32 * 4);
    expect(readFileSync(join(frames, 'index.jsonl'), 'utf8').trim().split('\n')).toHaveLength(SLICES);
    expect(existsSync(join(env.dataDir, 'jobs', job.id, 'input'))).toBe(false);
  });

  it('runs a job with a single-network denoiser pack installed beside the default pack', async () => {
    const job = await env.jobs.submit(
      {
        sourceId: 'local',
        studyInstanceUid: a.study,
        seriesInstanceUid: a.series,
        task: 'auto',
        pack: 'tiny-denoiser-test',
        steps: 3,
        strength: 'low',
      },
      'tester',
    );
    expect(job.spec.strength).toBe('low');
    const done = await waitFor(env.jobs, job.id, ended);
    expect(env.jobs.get(job.id)?.spec.strength).toBe('low');
    expect(done.state).toBe('done');
    expect(done.error).toBeUndefined();
    expect(done.progress).toEqual({ done: SLICES, total: SLICES });
    expect(done.degradation).toBe('not used by denoiser packs');
    expect(Object.keys(done.timings.restore ?? {})).toEqual(['denoiser', 'other', 'total']);
    const derived = env.store.listInstances(done.derivedSeriesInstanceUid as string);
    expect(derived).toHaveLength(SLICES);
    const ds = readNaturalDataset(readFileSync(derived[0].path), derived[0].path);
    expect(String(ds.DerivationDescription)).toMatch(
      /^single-network denoiser \(baseline\); task denoise; model pack tiny-denoiser-test v0\.1\.0 sha256:[0-9a-f]{64}; tile=64x64, device=cpu; strength low \(blend 0\.5 with the input: input \+ 0\.5 x \(restored - input\)\);/,
    );
    expect(ds.SeriesDescription).toMatch(/ \[GSDiff\] strength low$/);
  });

  it('validates submissions: unknown source, pack, task; missing series', async () => {
    const base = { sourceId: 'local', studyInstanceUid: a.study, seriesInstanceUid: a.series, task: 'auto' as const };
    await expect(env.jobs.submit({ ...base, sourceId: 'nope' }, 't')).rejects.toMatchObject({
      code: 'SRV_ERR_BAD_REQUEST',
    });
    await expect(env.jobs.submit({ ...base, pack: '../etc' }, 't')).rejects.toMatchObject({
      code: 'SRV_ERR_BAD_REQUEST',
    });
    await expect(env.jobs.submit({ ...base, pack: 'no-such-pack' }, 't')).rejects.toMatchObject({
      code: 'SRV_ERR_BAD_REQUEST',
    });
    await expect(env.jobs.submit({ ...base, steps: 0 }, 't')).rejects.toMatchObject({ code: 'SRV_ERR_BAD_REQUEST' });
    await expect(env.jobs.submit({ ...base, strength: 'max' as unknown as 'low' }, 't')).rejects.toMatchObject({
      code: 'SRV_ERR_BAD_REQUEST',
      details: { field: 'strength' },
    });
    await expect(env.jobs.submit({ ...base, video: 'vp9' as unknown as 'h264' }, 't')).rejects.toMatchObject({
      code: 'SRV_ERR_BAD_REQUEST',
      details: { field: 'video' },
    });
    await expect(env.jobs.submit({ ...base, task: 'sharpen' as unknown as 'auto' }, 't')).rejects.toMatchObject({
      code: 'SRV_ERR_BAD_REQUEST',
    });
    await expect(env.jobs.submit({ ...base, seriesInstanceUid: newUid() }, 't')).rejects.toMatchObject({
      code: 'SRV_ERR_NOT_FOUND',
    });
    expect(() => env.jobs.list({ state: 'sleeping' })).toThrow(
      expect.objectContaining({ code: 'SRV_ERR_BAD_REQUEST' }),
    );
    await expect(env.jobs.cancel('no-such-job')).rejects.toMatchObject({ code: 'SRV_ERR_NOT_FOUND' });
  });

  it('keeps records across a re-open; list filters and pages newest first', async () => {
    const before = env.jobs.list();
    expect(before.total).toBeGreaterThan(0);
    env = await env.reopen();
    const after = env.jobs.list();
    expect(after).toEqual(before);
    expect(env.jobs.list({ state: 'done' }).jobs.every((j) => j.state === 'done')).toBe(true);
    expect(env.jobs.list({ state: 'failed' }).total).toBe(0);
    expect(env.jobs.list({ limit: 1, offset: 0 }).jobs).toHaveLength(1);
    await expect(env.jobs.cancel(before.jobs[0].id)).rejects.toMatchObject({ code: 'SRV_ERR_CONFLICT' });
  });

  it('cancels a queued job (never starts) and a running one (stage discarded, nothing published)', async () => {
    const series0 = env.store.listSeries(a.study).length;
    const spec = { sourceId: 'local', studyInstanceUid: a.study, seriesInstanceUid: a.series, task: 'auto' as const };
    const first = await env.jobs.submit(spec, 't');
    const second = await env.jobs.submit(spec, 't');
    expect(env.jobs.get(second.id)?.state).toBe('queued'); // cpuConcurrency 1
    const c2 = await env.jobs.cancel(second.id);
    expect(c2).toMatchObject({ state: 'cancelled', attempts: 0 });
    expect(c2.startedAt).toBeUndefined();
    await waitFor(env.jobs, first.id, (j) => j.stage === 'restore');
    const c1 = await env.jobs.cancel(first.id);
    expect(c1.state).toBe('cancelled');
    expect(c1.publishedAt).toBeUndefined();
    expect(env.store.listSeries(a.study)).toHaveLength(series0);
    expect(env.store.stats().openStages).toBe(0);
    expect(readdirSync(join(env.store.root, 'tmp'))).toEqual([]);
    // The cancelled queued job never ran.
    expect(env.jobs.get(second.id)).toMatchObject({ state: 'cancelled', attempts: 0 });
  });

  it('runs at most cpuConcurrency CPU jobs at once', async () => {
    const spec = { sourceId: 'local', studyInstanceUid: a.study, seriesInstanceUid: a.series, task: 'auto' as const };
    const peak = async (e: Env, n: number): Promise<number> => {
      let max = 0;
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await e.jobs.submit(spec, 't')).id);
      const offs = ids.map((id) =>
        e.jobs.subscribe(id, () => {
          max = Math.max(max, e.jobs.runningJobs().length);
        }),
      );
      const all = await Promise.all(ids.map((id) => waitFor(e.jobs, id, ended)));
      offs.forEach((off) => off());
      expect(all.map((j: JobRecord) => j.state)).toEqual(ids.map(() => 'done'));
      return max;
    };
    expect(await peak(env, 2)).toBe(1);
    env = await env.reopen({ cpuConcurrency: 2 });
    expect(await peak(env, 2)).toBe(2);
  });

  it('publishes once: a job found running with its series already published is marked done on open', async () => {
    const spec = { sourceId: 'local', studyInstanceUid: a.study, seriesInstanceUid: a.series, task: 'auto' as const };
    const job = await waitFor(env.jobs, (await env.jobs.submit(spec, 't')).id, ended);
    const derived = job.derivedSeriesInstanceUid as string;
    const seriesBefore = env.store
      .listSeries(a.study)
      .map((s) => s.seriesInstanceUid)
      .sort();
    await env.close();
    // What a crash between the stage commit and the database write leaves.
    const db = new Database(join(env.dataDir, 'jobs.sqlite'));
    db.prepare(
      "UPDATE jobs SET state = 'running', stage = 'publish', published_at = NULL, finished_at = NULL WHERE id = ?",
    ).run(job.id);
    db.close();
    env = await env.reopen();
    const after = env.jobs.get(job.id) as JobRecord;
    expect(after).toMatchObject({ state: 'done', derivedSeriesInstanceUid: derived, attempts: job.attempts });
    expect(after.publishedAt).toBeTruthy();
    expect(
      env.store
        .listSeries(a.study)
        .map((s) => s.seriesInstanceUid)
        .sort(),
    ).toEqual(seriesBefore);
    expect(env.store.listInstances(derived)).toHaveLength(SLICES);
    // Nothing starts it again.
    await new Promise((r) => setTimeout(r, 200));
    expect(env.jobs.runningJobs()).toEqual([]);
  });

  it('requeues a job found running without a published series, and gives up after maxAttempts', async () => {
    const spec = { sourceId: 'local', studyInstanceUid: a.study, seriesInstanceUid: a.series, task: 'auto' as const };
    const job = await waitFor(env.jobs, (await env.jobs.submit(spec, 't')).id, ended);
    await env.close();
    const db = new Database(join(env.dataDir, 'jobs.sqlite'));
    const crash = (attempts: number): void => {
      db.prepare(
        "UPDATE jobs SET state = 'running', derived_series_uid = ?, published_at = NULL, finished_at = NULL, attempts = ? WHERE id = ?",
      ).run(newUid(), attempts, job.id);
    };
    crash(3);
    env = await env.reopen({ maxAttempts: 3 });
    expect(env.jobs.get(job.id)).toMatchObject({ state: 'failed', error: { code: 'SRV_ERR_JOB_INTERRUPTED' } });
    await env.close();
    crash(1);
    db.close();
    env = await env.reopen();
    const again = await waitFor(env.jobs, job.id, ended);
    expect(again).toMatchObject({ state: 'done', attempts: 2 });
    expect(again.derivedSeriesInstanceUid).not.toBe(job.derivedSeriesInstanceUid);
    expect(env.store.listInstances(again.derivedSeriesInstanceUid as string)).toHaveLength(SLICES);
  });

  it('close() requeues running jobs, which finish after the next open', async () => {
    const spec = { sourceId: 'local', studyInstanceUid: a.study, seriesInstanceUid: a.series, task: 'auto' as const };
    const job = await env.jobs.submit(spec, 't');
    await waitFor(env.jobs, job.id, (j) => j.stage === 'restore');
    const attempts = (env.jobs.get(job.id) as JobRecord).attempts;
    await env.close();
    env = await env.reopen();
    const done = await waitFor(env.jobs, job.id, ended);
    expect(done).toMatchObject({ state: 'done', attempts });
    await expect(
      env.jobs
        .submit(spec, 't')
        .then(() => env.close())
        .then(() => env.jobs.submit(spec, 't')),
    ).rejects.toMatchObject({
      code: 'SRV_ERR_UNAVAILABLE',
    });
    env = await env.reopen();
  });
});

describe('JobService with a remote source', () => {
  const b = ctSeries(4);
  const pacs = new MemoryPacs(b.instances);
  let env: Env;
  beforeAll(async () => {
    env = await openEnv([], { sources: new Map([['remote', pacs]]) });
  });
  afterAll(async () => {
    await env.close();
    removeDir(env.dataDir);
  });

  it('pulls into scratch, publishes locally and pushes the derived series back', async () => {
    const job = await env.jobs.submit(
      { sourceId: 'remote', studyInstanceUid: b.study, seriesInstanceUid: b.series, task: 'auto', pushBack: true },
      't',
    );
    const done = await waitFor(env.jobs, job.id, ended);
    expect(done).toMatchObject({ state: 'done', pushBack: { state: 'done', stored: 4, failed: 0 } });
    expect(done.timings.pushBack).toEqual(expect.any(Number));
    expect(env.store.listInstances(done.derivedSeriesInstanceUid as string)).toHaveLength(4);
    expect(pacs.stored.map((x) => parseInstance(x, 'p').header.seriesInstanceUid)).toEqual(
      Array(4).fill(done.derivedSeriesInstanceUid),
    );
    expect(existsSync(join(env.dataDir, 'jobs', job.id, 'input'))).toBe(false);
  });

  it('a failing push-back is reported and leaves the local result', async () => {
    pacs.failStore = new Error('peer refused');
    const job = await env.jobs.submit(
      { sourceId: 'remote', studyInstanceUid: b.study, seriesInstanceUid: b.series, task: 'auto', pushBack: true },
      't',
    );
    const done = await waitFor(env.jobs, job.id, ended);
    expect(done).toMatchObject({
      state: 'done',
      pushBack: { state: 'failed', message: expect.stringMatching(/peer refused/) },
    });
    expect(env.store.listInstances(done.derivedSeriesInstanceUid as string)).toHaveLength(4);
  });

  it('an unknown remote series is SRV_ERR_NOT_FOUND', async () => {
    await expect(
      env.jobs.submit(
        { sourceId: 'remote', studyInstanceUid: b.study, seriesInstanceUid: newUid(), task: 'auto' },
        't',
      ),
    ).rejects.toMatchObject({ code: 'SRV_ERR_NOT_FOUND' });
  });
});
