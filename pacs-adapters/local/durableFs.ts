import { mkdir, open, readdir, rmdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * True when `e` is a Node system error with the given errno code. Duck-typed, not `instanceof Error`: errors
 * from another realm (vm contexts, Jest's module sandbox) fail that check.
 */
export function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === code;
}

/**
 * Creates `file` (it must not exist), writes `bytes` and fsyncs the file before closing it, so a later rename
 * publishes complete content.
 */
export async function writeSynced(file: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * fsyncs a directory so that entries created, renamed or removed in it survive a power loss. Platforms that
 * cannot open directories (Windows) make this a no-op.
 */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (e) {
    // Some file systems (and some container overlays) refuse fsync on directories; the rename is still atomic.
    if (!isErrno(e, 'EINVAL') && !isErrno(e, 'ENOTSUP')) throw e;
  } finally {
    await handle.close();
  }
}

/** `mkdir -p` that also fsyncs the parent of every directory it had to create. */
export async function makeDirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  const parents: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    parents.push(path.dirname(d));
    if (d === first || path.dirname(d) === d) break;
  }
  for (const parent of parents) await syncDir(parent);
}

/** Removes empty directories below `dir` (not `dir` itself), deepest first; returns how many were removed. */
export async function pruneEmptyDirs(dir: string): Promise<number> {
  let removed = 0;
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const child = path.join(dir, entry.name);
    removed += await pruneEmptyDirs(child);
    if ((await readdir(child)).length === 0) {
      await rmdir(child);
      removed += 1;
    }
  }
  return removed;
}

/** Removes `dir` when it is empty; a non-empty or missing directory is left as it is. Returns whether it went. */
export async function removeDirIfEmpty(dir: string): Promise<boolean> {
  try {
    await rmdir(dir);
    return true;
  } catch (e) {
    if (isErrno(e, 'ENOTEMPTY') || isErrno(e, 'EEXIST') || isErrno(e, 'ENOENT')) return false;
    throw e;
  }
}
