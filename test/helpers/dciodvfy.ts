import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Error lines dciodvfy (Debian dicom3tools) prints for a DICOM file's bytes; warnings are ignored. */
export async function dciodvfyErrors(bytes: Uint8Array): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-dciodvfy-'));
  try {
    const file = join(dir, 'instance.dcm');
    writeFileSync(file, bytes);
    let out: { stdout: string; stderr: string };
    try {
      out = await run('dciodvfy', [file]);
    } catch (e) {
      const err = e as { code?: string | number; stdout?: string; stderr?: string };
      if (err.code === 'ENOENT')
        throw new Error('dciodvfy not found: install Debian package dicom3tools (the test script does)', { cause: e });
      out = { stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
    }
    return `${out.stdout}\n${out.stderr}`.split('\n').filter((l) => l.startsWith('Error'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
