import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { isUid, LocalStore } from '../../../pacs-adapters/local/index.js';
import { PacsError } from '../../../pacs-adapters/index.js';
import { geFile, otherUid, patchStrings, PYDICOM, readBytes, tempDir, uidOf } from './helpers.js';

describe('LocalStore validation and conflicts', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let store: LocalStore;

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    store = await LocalStore.open(path.join(dir, 'store'));
  });
  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  it('stores once, then reports exists for identical bytes', async () => {
    const bytes = await readBytes(geFile(1));
    const first = await store.storeInstance(bytes, 'test');
    expect(first.status).toBe('stored');
    const again = await store.storeInstance(bytes, 'test again');
    expect(again).toEqual({ ...first, status: 'exists' });
    expect(store.getInstance(first.sopInstanceUid)?.source).toBe('test');
  });

  it('refuses other bytes under a stored SOPInstanceUID with 409 unless overwrite is passed', async () => {
    const original = await readBytes(geFile(1));
    const changed = new Uint8Array(original);
    changed[changed.length - 1] ^= 0xff; // last pixel byte
    const sop = uidOf(original, 'x00080018');
    const err: unknown = await store.storeInstance(changed, 'changed').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PacsError);
    expect(err).toMatchObject({
      code: 'PACS_ERR_STORE_CONFLICT',
      status: 409,
      details: { sopInstanceUid: sop, tag: '00080018' },
    });
    expect(Buffer.from(await store.readInstanceBytes(sop)).equals(Buffer.from(original))).toBe(true);

    const replaced = await store.storeInstance(changed, 'changed', { overwrite: true });
    expect(replaced.status).toBe('stored');
    expect(Buffer.from(await store.readInstanceBytes(sop)).equals(Buffer.from(changed))).toBe(true);
    expect(store.listInstances(replaced.seriesInstanceUid)).toHaveLength(1);
    expect(await readdir(path.join(store.root, 'tmp'))).toEqual([]);
  });

  it('refuses a series UID that arrives under a second study', async () => {
    const bytes = await readBytes(geFile(2));
    const moved = patchStrings(bytes, { x0020000d: otherUid(uidOf(bytes, 'x0020000d'), 1) });
    await expect(store.storeInstance(moved, 'moved')).rejects.toMatchObject({ code: 'PACS_ERR_STORE_CONFLICT' });
  });

  it("rejects a UID with '../' naming the tag, and writes nothing", async () => {
    const bytes = await readBytes(geFile(3));
    const evil = patchStrings(bytes, { x00080018: '../../../../escaped' });
    const err: unknown = await store.storeInstance(evil, 'evil').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'PACS_ERR_BAD_ATTRIBUTE',
      status: 400,
      details: { tag: '00080018', field: 'SOPInstanceUID' },
    });
    expect((err as Error).message).toContain('SOPInstanceUID (0008,0018)');
    const series = patchStrings(bytes, { x0020000e: '1.2/../../x' });
    await expect(store.storeInstance(series, 'evil series')).rejects.toMatchObject({ details: { tag: '0020000E' } });
    expect((await readdir(dir)).sort()).toEqual(['store']);
    expect(await readdir(path.join(store.root, 'tmp'))).toEqual([]);
    expect(isUid('1.2.840.10008.1.2')).toBe(true);
    expect(isUid(`1.${'2'.repeat(63)}`)).toBe(false);
    expect(isUid('1..2')).toBe(false);
  });

  it('gives typed per-file outcomes for a non-DICOM file, a truncated file and a missing UID, never a throw', async () => {
    const zipped = await store.importPath(path.join(PYDICOM, 'zipMR.gz'));
    expect(zipped.outcomes).toHaveLength(1);
    const [outcome] = zipped.outcomes;
    expect(outcome.status).toBe('skipped');
    if (outcome.status !== 'skipped') throw new Error('unreachable');
    expect(outcome.error).toBeInstanceOf(PacsError);
    expect(outcome.error?.code).toBe('PACS_ERR_NOT_DICOM');
    expect(outcome.reason).toMatch(/gzip/);

    const truncated = await store.importPath(path.join(PYDICOM, 'MR_truncated.dcm'));
    expect(truncated.outcomes[0]).toMatchObject({ status: 'failed', error: { code: 'PACS_ERR_PARSE' } });

    await expect(store.importPath(path.join(PYDICOM, 'no-such-file.dcm'))).rejects.toMatchObject({
      code: 'PACS_ERR_FILE_READ',
    });
  });
});
