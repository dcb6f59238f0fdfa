import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { LocalStore } from '../../../pacs-adapters/local/index.js';
import { PacsError } from '../../../pacs-adapters/index.js';
import { captureLogger, fileSha256, GE_HEAD, geFile, PYDICOM, readBytes, sha256, tempDir } from './helpers.js';

describe('LocalStore import of a real CT series', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: LocalStore;
  const before = new Map<string, { sha: string; mtimeMs: number; size: number }>();

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    for (const name of await readdir(GE_HEAD)) {
      const file = path.join(GE_HEAD, name);
      const info = await stat(file);
      before.set(file, { sha: await fileSha256(file), mtimeMs: info.mtimeMs, size: info.size });
    }
  });
  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  it('imports the folder: 1 study, 1 series, 28 instances; the 3 text files are skipped as not DICOM', async () => {
    const { logger, lines } = captureLogger();
    store = await LocalStore.open(dir, { logger });
    const report = await store.importPath(GE_HEAD);
    expect(report.stored).toBe(28);
    expect(report.failed).toBe(0);
    expect(report.skipped).toBe(3);
    for (const o of report.outcomes.filter((x) => x.status === 'skipped')) {
      expect(o.status === 'skipped' && o.error?.code).toBe('PACS_ERR_NOT_DICOM');
    }
    const studies = store.listStudies();
    expect(studies).toHaveLength(1);
    expect(studies[0]).toMatchObject({ numberOfSeries: 1, numberOfInstances: 28, modalitiesInStudy: ['CT'] });
    const series = store.listSeries(studies[0].studyInstanceUid);
    expect(series).toHaveLength(1);
    expect(series[0]).toMatchObject({ modality: 'CT', seriesNumber: 2, numberOfInstances: 28 });
    const instances = store.listInstances(series[0].seriesInstanceUid);
    expect(instances.map((i) => i.instanceNumber)).toEqual(Array.from({ length: 28 }, (_, i) => i + 1));
    expect(instances[0]).toMatchObject({
      rows: 512,
      columns: 512,
      numberOfFrames: 1,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      byteSize: 526228,
      sha256: '7c911fa70882b69d11d5e8fef5dc6ed46c5d57a1459f709c2777a4d0d5b05e31',
      source: geFile(1),
    });
    expect(instances[0].path).toBe(
      path.join(
        store.root,
        'objects',
        studies[0].studyInstanceUid,
        series[0].seriesInstanceUid,
        `${instances[0].sopInstanceUid}.dcm`,
      ),
    );
    const dicomBytes = [...before].filter(([f]) => f.endsWith('.dcm')).reduce((n, [, v]) => n + v.size, 0);
    expect(store.stats()).toMatchObject({ studies: 1, series: 1, instances: 28, bytes: dicomBytes, schemaVersion: 1 });
    // The GE files carry PatientID QMNx85rKkkg: it is indexed but never logged.
    expect(studies[0].patientId).toBe('QMNx85rKkkg');
    expect(lines.join('')).not.toContain('QMNx85rKkkg');
  });

  it('leaves every source file byte-identical and untouched', async () => {
    for (const [file, was] of before) {
      expect(await fileSha256(file)).toBe(was.sha);
      const info = await stat(file);
      expect([info.mtimeMs, info.size]).toEqual([was.mtimeMs, was.size]);
    }
  });

  it('stores the bytes unchanged and reads them back', async () => {
    const entry = store.listInstances(store.listSeries()[0].seriesInstanceUid)[5];
    const bytes = await store.readInstanceBytes(entry.sopInstanceUid);
    expect(sha256(bytes)).toBe(entry.sha256);
    expect(sha256(bytes)).toBe(await fileSha256(entry.source));
    expect(store.getInstancePath(entry.sopInstanceUid)).toBe(entry.path);
    expect(store.getInstancePath('1.2.3.4')).toBeUndefined();
    await expect(store.readInstanceBytes('1.2.3.4')).rejects.toMatchObject({
      code: 'PACS_ERR_STORE_NOT_FOUND',
      status: 404,
    });
  });

  it('re-importing is a no-op: every instance reports exists', async () => {
    const report = await store.importPath(GE_HEAD);
    expect(report).toMatchObject({ stored: 0, exists: 28, failed: 0, skipped: 3 });
    expect(store.stats().instances).toBe(28);
    expect(await readdir(path.join(store.root, 'tmp'))).toEqual([]);
  });

  it('keeps the index across a re-open (new LocalStore on the same folder)', async () => {
    const first = store.listInstances(store.listSeries()[0].seriesInstanceUid);
    await store.close();
    store = await LocalStore.open(dir);
    expect(store.recovery).toEqual({
      tmpEntriesRemoved: 0,
      rowsRemoved: 0,
      rowsReindexed: 0,
      filesIndexed: 0,
      filesQuarantined: 0,
    });
    expect(store.listInstances(first[0].seriesInstanceUid)).toEqual(first);
  });

  it('refuses a second LocalStore on an open folder, and works after close', async () => {
    await expect(LocalStore.open(dir)).rejects.toMatchObject({ code: 'PACS_ERR_STORE_LOCKED' });
    await store.close();
    expect(() => store.listStudies()).toThrow(PacsError);
    store = await LocalStore.open(dir);
    expect(store.stats().instances).toBe(28);
  });

  it('filters studies QIDO-style', async () => {
    await store.storeInstance(await readBytes(path.join(PYDICOM, 'CT_small.dcm')), 'CT_small');
    await store.storeInstance(await readBytes(path.join(PYDICOM, 'MR_small.dcm')), 'MR_small');
    expect(store.listStudies()).toHaveLength(3);
    expect(store.listStudies({ modality: 'MR' }).map((s) => s.patientId)).toEqual(['4MR1']);
    expect(store.listStudies({ patientName: 'compressedsamples^*' })).toHaveLength(2);
    expect(store.listStudies({ patientId: '1CT1' })).toHaveLength(1);
    expect(store.listStudies({ studyDate: '20040101-20040601' }).map((s) => s.patientId)).toEqual(['1CT1']);
    expect(store.listStudies({ studyDate: '20040201-' }).map((s) => s.patientId)).toEqual(['4MR1']);
    expect(store.listStudies({ studyDate: '20040119' })).toHaveLength(1);
    expect(store.listStudies({ limit: 1, offset: 1 })).toHaveLength(1);
    expect(() => store.listStudies({ studyDate: '2004-01-19' })).toThrow(
      expect.objectContaining({ code: 'PACS_ERR_BAD_ATTRIBUTE' }),
    );
    expect(store.listStudies({ patientId: "x' OR 1=1 --" })).toEqual([]);
  });
});
