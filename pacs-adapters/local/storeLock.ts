import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pacsError } from '../errors.js';
import { isErrno } from './durableFs.js';

/** Roots opened by a LocalStore of this process and not yet closed. */
const openRoots = new Set<string>();

interface LockBody {
  pid: number;
  host: string;
  token: string;
  since: string;
}

/** Ownership of a store folder; `release` gives it up (idempotent). */
export interface StoreLock {
  readonly file: string;
  /** The stale lock that was replaced, if any (for a warning in the log). */
  readonly tookOver?: { readonly pid: number; readonly host: string; readonly since: string };
  release(): Promise<void>;
}

/**
 * Takes `<root>/store.lock` so that only one LocalStore (in any process on this host) works on a folder: the
 * recovery pass deletes tmp/ and would destroy another owner's staged writes. A lock whose process is gone is
 * taken over; so is a lock left by this same pid but held by no open LocalStore (an earlier run that reused
 * the pid, or a copied folder) and one written under another host name.
 * @param root - absolute, real path of the store folder
 * @throws PACS_ERR_STORE_LOCKED when a live owner holds the folder
 */
export async function acquireStoreLock(root: string): Promise<StoreLock> {
  const file = path.join(root, 'store.lock');
  if (openRoots.has(root)) {
    throw pacsError(
      'PACS_ERR_STORE_LOCKED',
      'store is already open in this process: expected one LocalStore per folder',
      {
        file,
        pid: process.pid,
      },
    );
  }
  // Claimed before the first await, so two concurrent opens in this process cannot both pass the check.
  openRoots.add(root);
  const body: LockBody = {
    pid: process.pid,
    host: os.hostname(),
    token: randomUUID(),
    since: new Date().toISOString(),
  };
  const staging = `${file}.${body.token}`;
  let tookOver: LockBody | undefined;
  try {
    await writeFile(staging, JSON.stringify(body), { flag: 'wx' });
    // link() publishes the complete file or fails with EEXIST: no reader ever sees a half-written lock.
    const created = await createExclusive(staging, file, body);
    if (!created) {
      const held = await readLock(file);
      if (held !== undefined && isLive(held)) {
        throw pacsError(
          'PACS_ERR_STORE_LOCKED',
          `store is open in process ${held.pid} on ${held.host} since ${held.since}: expected no other owner (delete store.lock only if that process is gone)`,
          { file, pid: held.pid, host: held.host },
        );
      }
      await rename(staging, file);
      tookOver = held ?? { pid: 0, host: '?', token: '', since: 'unreadable lock file' };
    }
  } catch (e) {
    openRoots.delete(root);
    throw e;
  } finally {
    await rm(staging, { force: true });
  }
  let released = false;
  return {
    file,
    tookOver: tookOver === undefined ? undefined : { pid: tookOver.pid, host: tookOver.host, since: tookOver.since },
    release: async () => {
      if (released) return;
      released = true;
      openRoots.delete(root);
      const now = await readLock(file);
      if (now?.token !== body.token) return;
      try {
        await unlink(file);
      } catch (e) {
        if (!isErrno(e, 'ENOENT')) throw e;
      }
    },
  };
}

/** Creates `file` only if absent; false when it exists. Falls back to O_EXCL where hard links are unsupported. */
async function createExclusive(staging: string, file: string, body: LockBody): Promise<boolean> {
  try {
    await link(staging, file);
    return true;
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    if (!isErrno(e, 'EPERM') && !isErrno(e, 'ENOTSUP') && !isErrno(e, 'ENOSYS')) throw e;
  }
  try {
    await writeFile(file, JSON.stringify(body), { flag: 'wx' });
    return true;
  } catch (e) {
    if (isErrno(e, 'EEXIST')) return false;
    throw e;
  }
}

async function readLock(file: string): Promise<LockBody | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return undefined;
    throw e;
  }
  try {
    const v: unknown = JSON.parse(text);
    if (
      v !== null &&
      typeof v === 'object' &&
      'pid' in v &&
      typeof v.pid === 'number' &&
      'host' in v &&
      typeof v.host === 'string'
    ) {
      const token = 'token' in v && typeof v.token === 'string' ? v.token : '';
      const since = 'since' in v && typeof v.since === 'string' ? v.since : '?';
      return { pid: v.pid, host: v.host, token, since };
    }
  } catch {
    // A torn or foreign lock file is treated as stale.
  }
  return undefined;
}

/**
 * A lock lives while its pid does on this host. A lock written under another host name is taken over: container
 * host names change on every re-creation, and SQLite must not be shared over a network file system anyway.
 */
function isLive(lock: LockBody): boolean {
  if (lock.host !== os.hostname()) return false;
  if (lock.pid === process.pid) return false;
  try {
    process.kill(lock.pid, 0);
    return true;
  } catch (e) {
    return isErrno(e, 'EPERM');
  }
}
