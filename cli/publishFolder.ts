import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes into a temporary sibling folder and renames it into place, so a killed command publishes nothing. */
export async function publishFolder(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = join(dirname(target), `.${basename(target)}.partial-${process.pid}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await write(tmp);
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
