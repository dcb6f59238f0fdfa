import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { LocalStore } from '../../../pacs-adapters/local/index.js';
import { derivedInstance, geFile, readBytes, tempDir } from './helpers.js';

describe('StagedSeries (publishing derived series)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: LocalStore;
  let originalSeries: string;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    store = await LocalStore.open(dir);
    originalSeries = (await store.storeInstance(await readBytes(geFile(14)), 'original')).seriesInstanceUid;
  });
  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  it('keeps the series invisible until commit, then lists it complete', async () => {
    const stage = await store.stageSeries();
    for (const k of [1, 2, 3, 4]) await stage.add(await derivedInstance(14 + k, 1, k), 'gsdiff:job-1');
    const series = stage.seriesInstanceUid ?? '';
    expect(stage.size).toBe(4);
    expect(store.listSeries().map((s) => s.seriesInstanceUid)).toEqual([originalSeries]);
    expect(store.listInstances(series)).toEqual([]);
    expect(store.stats()).toMatchObject({ instances: 1, openStages: 1 });

    const committed = await stage.commit();
    expect(committed).toMatchObject({ seriesInstanceUid: series, instances: 4 });
    expect(store.listSeries()).toHaveLength(2);
    const instances = store.listInstances(series);
    expect(instances.map((i) => i.instanceNumber)).toEqual([15, 16, 17, 18]);
    expect(instances.every((i) => i.source === 'gsdiff:job-1' && path.dirname(i.path) === committed.path)).toBe(true);
    expect(store.stats()).toMatchObject({ instances: 5, openStages: 0 });
    expect(await readdir(path.join(store.root, 'tmp'))).toEqual([]);
    await expect(stage.add(await derivedInstance(20, 1, 9))).rejects.toMatchObject({ code: 'PACS_ERR_STORE' });
  });

  it('removes everything on abort', async () => {
    const stage = await store.stageSeries();
    await stage.add(await derivedInstance(20, 2, 1));
    await stage.add(await derivedInstance(21, 2, 2));
    const series = stage.seriesInstanceUid ?? '';
    await stage.abort();
    expect(store.listInstances(series)).toEqual([]);
    expect(await readdir(path.join(store.root, 'tmp'))).toEqual([]);
    await expect(stage.commit()).rejects.toMatchObject({ code: 'PACS_ERR_STORE' });
  });

  it('refuses an instance of another series, a duplicate SOP, a stored series, and an empty commit', async () => {
    const stage = await store.stageSeries();
    await stage.add(await derivedInstance(22, 3, 1));
    await expect(stage.add(await derivedInstance(23, 4, 2))).rejects.toMatchObject({
      code: 'PACS_ERR_SERIES_INCONSISTENT',
    });
    await expect(stage.add(await derivedInstance(22, 3, 1))).rejects.toMatchObject({ code: 'PACS_ERR_STORE_CONFLICT' });
    await expect(stage.add(await readBytes(geFile(14)))).rejects.toMatchObject({ code: 'PACS_ERR_STORE_CONFLICT' });
    await stage.abort();

    const empty = await store.stageSeries();
    await expect(empty.commit()).rejects.toMatchObject({ code: 'PACS_ERR_SERIES_EMPTY' });
    await empty.abort();
  });

  it('fails a commit whose series was stored meanwhile, leaving the stage open and nothing published', async () => {
    const stage = await store.stageSeries();
    await stage.add(await derivedInstance(24, 5, 1));
    await store.storeInstance(await derivedInstance(25, 5, 2), 'raced');
    await expect(stage.commit()).rejects.toMatchObject({ code: 'PACS_ERR_STORE_CONFLICT' });
    expect(stage.status).toBe('open');
    expect(store.listInstances(stage.seriesInstanceUid ?? '')).toHaveLength(1);
    await stage.abort();
  });

  it('aborts open stages on close', async () => {
    const { dir: other, cleanup: clean } = await tempDir();
    const s = await LocalStore.open(other);
    const stage = await s.stageSeries();
    await stage.add(await derivedInstance(26, 6, 1));
    await s.close();
    expect(stage.status).toBe('aborted');
    expect(await readdir(path.join(other, 'tmp'))).toEqual([]);
    await clean();
  });
});
