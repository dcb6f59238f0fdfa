import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface WalkedFile {
  readonly path: string;
  /** True when the file was found inside a folder rather than named on the command line. */
  readonly fromFolder: boolean;
}

/** Regular files under the given paths (recursing into folders), sorted for a stable order; missing paths listed. */
export async function walkFiles(paths: readonly string[]): Promise<{ files: WalkedFile[]; missing: string[] }> {
  const files: WalkedFile[] = [];
  const missing: string[] = [];
  const visit = async (p: string, fromFolder: boolean): Promise<void> => {
    let s;
    try {
      s = await stat(p);
    } catch {
      missing.push(p);
      return;
    }
    if (s.isDirectory()) {
      for (const name of (await readdir(p)).sort()) await visit(join(p, name), true);
    } else if (s.isFile()) {
      files.push({ path: p, fromFolder });
    }
  };
  for (const p of paths) await visit(p, false);
  return { files, missing };
}
