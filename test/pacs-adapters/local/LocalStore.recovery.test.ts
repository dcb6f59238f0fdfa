import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LocalStore } from '../../../pacs-adapters/local/index.js';
import { parseInstance } from '../../../pacs-adapters/index.js';
import { captureLogger, derivedInstance, geFile, readBytes, sha256, tempDir } from './helpers.js';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath, e.name)));
  }
  return out.sort();
}

describe('LocalStore recovery pass', () => {
  let dir: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(async () => {
    await cleanup();
  });

  it('fixes a half-written tmp file, an orphan file, a dangling row; quarantines what it cannot index', async () => {
    const root = path.join(dir, 'crash');
    let store = await LocalStore.open(root);
    const report = await store.importPath(geFile(1));
    for (const n of [2, 3, 4]) await store.storeInstance(await readBytes(geFile(n)), `slice ${n}`);
    expect(report.stored).toBe(1);
    const seriesUid = store.listSeries()[0].seriesInstanceUid;
    const [one, two] = store.listInstances(seriesUid);
    await store.close();

    // 1. a crash mid-write: half a file in tmp/, and an abandoned stage folder
    const five = await readBytes(geFile(5));
    await writeFile(path.join(root, 'tmp', 'crashed.part'), five.subarray(0, 1000));
    await mkdir(path.join(root, 'tmp', 'stage-abandoned'));
    await writeFile(path.join(root, 'tmp', 'stage-abandoned', '1.2.3.dcm'), five);
    // 2. a crash between rename and index commit: a complete file in objects/ with no row
    const header5 = parseInstance(five, 'five').header;
    const orphan = path.join(
      root,
      'objects',
      header5.studyInstanceUid,
      header5.seriesInstanceUid,
      `${header5.sopInstanceUid}.dcm`,
    );
    await writeFile(orphan, five);
    // 3. a row whose file vanished
    await rm(two.path);
    // 4. junk and a misplaced instance, which recovery must not index (nor delete)
    const seriesDir = path.dirname(one.path);
    await writeFile(path.join(seriesDir, 'junk.dcm'), 'not dicom at all');
    await mkdir(path.join(root, 'objects', '1.2.3', '4.5.6'), { recursive: true });
    await writeFile(path.join(root, 'objects', '1.2.3', '4.5.6', '7.8.9.dcm'), await readBytes(geFile(6)));

    const { logger, lines } = captureLogger();
    store = await LocalStore.open(root, { logger });
    expect(store.recovery).toEqual({
      tmpEntriesRemoved: 2,
      rowsRemoved: 1,
      rowsReindexed: 0,
      filesIndexed: 1,
      filesQuarantined: 2,
    });
    expect(lines.some((l) => l.includes('"reason"') && l.includes('junk.dcm'))).toBe(true);
    const sops = store.listInstances(seriesUid).map((i) => i.sopInstanceUid);
    expect(sops).toHaveLength(4);
    expect(sops).toContain(header5.sopInstanceUid);
    expect(sops).not.toContain(two.sopInstanceUid);
    expect(store.getInstance(header5.sopInstanceUid)?.source).toBe('recovered');
    expect(sha256(await store.readInstanceBytes(header5.sopInstanceUid))).toBe(sha256(five));
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
    expect((await listFiles(path.join(root, 'quarantine'))).map((f) => path.basename(f)).sort()).toEqual([
      '7.8.9.dcm',
      'junk.dcm',
    ]);
    expect(await readdir(path.join(root, 'objects'))).toEqual([header5.studyInstanceUid]);
    expect(store.listStudies()).toHaveLength(1);
    await store.close();

    // A second open finds nothing to do.
    store = await LocalStore.open(root);
    expect(store.recovery).toEqual({
      tmpEntriesRemoved: 0,
      rowsRemoved: 0,
      rowsReindexed: 0,
      filesIndexed: 0,
      filesQuarantined: 0,
    });
    await store.close();
  });

  it('re-reads a row left pending by an overwrite interrupted after its rename', async () => {
    const root = path.join(dir, 'pending');
    let store = await LocalStore.open(root);
    const stored = await store.storeInstance(await readBytes(geFile(7)), 'seven');
    await store.close();
    // The state after "markPending + rename" and before the row update: new bytes on disk, old digest in the row.
    const changed = new Uint8Array(await readFile(stored.path));
    changed[changed.length - 1] ^= 0xff;
    await writeFile(stored.path, changed);
    const db = new Database(path.join(root, 'index.sqlite'));
    db.prepare('UPDATE instances SET pending = 1').run();
    db.close();

    store = await LocalStore.open(root);
    expect(store.recovery.rowsReindexed).toBe(1);
    expect(store.getInstance(stored.sopInstanceUid)).toMatchObject({ sha256: sha256(changed), source: 'seven' });
    await store.close();
  });

  it('drops an uncommitted stage after a crash, and publishes a stage whose commit rename happened', async () => {
    const root = path.join(dir, 'stage');
    const store = await LocalStore.open(root);
    await store.storeInstance(await readBytes(geFile(8)), 'original');
    const stage = await store.stageSeries();
    for (const k of [1, 2, 3]) await stage.add(await derivedInstance(8 + k, 1, k), 'derived');
    const derivedSeries = stage.seriesInstanceUid;
    if (derivedSeries === undefined) throw new Error('stage has no series');

    // Crash before commit: the folder as it is now, opened by a new owner.
    const crashed = path.join(dir, 'stage-crashed');
    await cp(root, crashed, { recursive: true });
    const reopened = await LocalStore.open(crashed);
    expect(reopened.recovery.tmpEntriesRemoved).toBe(1);
    expect(reopened.listSeries().map((s) => s.seriesInstanceUid)).not.toContain(derivedSeries);
    expect(reopened.listInstances(derivedSeries)).toEqual([]);
    expect(reopened.stats()).toMatchObject({ series: 1, instances: 1 });
    await reopened.close();

    // Crash right after the commit rename, before the index transaction: the whole series is recovered.
    const renamed = path.join(dir, 'stage-renamed');
    await cp(root, renamed, { recursive: true });
    const study = store.listStudies()[0].studyInstanceUid;
    await rename(path.join(renamed, 'tmp', `stage-${stage.id}`), path.join(renamed, 'objects', study, derivedSeries));
    const published = await LocalStore.open(renamed);
    expect(published.recovery).toMatchObject({ filesIndexed: 3, filesQuarantined: 0 });
    expect(published.listInstances(derivedSeries)).toHaveLength(3);
    await published.close();

    await stage.abort();
    await store.close();
  });

  it('deleteSeries removes files and rows; an unknown series gives zero counts', async () => {
    const root = path.join(dir, 'delete');
    const store = await LocalStore.open(root);
    for (const n of [10, 11, 12]) await store.storeInstance(await readBytes(geFile(n)), 'x');
    const seriesUid = store.listSeries()[0].seriesInstanceUid;
    const removed = await store.deleteSeries(seriesUid);
    expect(removed).toEqual({ seriesInstanceUid: seriesUid, instancesRemoved: 3, bytesFreed: 3 * 526228 });
    expect(store.listSeries()).toEqual([]);
    expect(store.listStudies()).toEqual([]);
    expect(await readdir(path.join(root, 'objects'))).toEqual([]);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
    expect(await store.deleteSeries('1.2.3')).toEqual({
      seriesInstanceUid: '1.2.3',
      instancesRemoved: 0,
      bytesFreed: 0,
    });
    await store.close();
  });
});
