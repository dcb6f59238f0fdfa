import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalStore } from '../../../pacs-adapters/local/index.js';
import { captureLogger, tempDir } from './helpers.js';

describe('store.lock: one owner per store folder', () => {
  it('lets exactly one of two concurrent opens in a process win', async () => {
    const { dir, cleanup } = await tempDir();
    const results = await Promise.allSettled([LocalStore.open(dir), LocalStore.open(dir)]);
    const won = results.filter((r): r is PromiseFulfilledResult<LocalStore> => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: 'PACS_ERR_STORE_LOCKED', status: 423 });
    await won[0].value.close();
    await cleanup();
  });

  it('refuses a folder locked by a live process, and takes over a dead one', async () => {
    const { dir, cleanup } = await tempDir();
    const lockFile = path.join(dir, 'store.lock');
    const lock = (pid: number): string => JSON.stringify({ pid, host: os.hostname(), token: 't', since: '2020-01-01' });
    await writeFile(lockFile, lock(process.ppid));
    await expect(LocalStore.open(dir)).rejects.toMatchObject({
      code: 'PACS_ERR_STORE_LOCKED',
      details: { pid: process.ppid },
    });

    await writeFile(lockFile, lock(2 ** 22 + 7)); // above Linux's pid_max: never a live process
    const { logger, lines } = captureLogger();
    const store = await LocalStore.open(dir, { logger });
    expect(lines.some((l) => l.includes('stale store.lock'))).toBe(true);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    await store.close();
    await expect(readFile(lockFile)).rejects.toMatchObject({ code: 'ENOENT' });
    await cleanup();
  });
});
