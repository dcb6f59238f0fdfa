import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, platform, release } from 'node:os';
import { promisify } from 'node:util';
import { VERSION } from '../version.js';

function packageVersion(name: string): string {
  try {
    const req = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(req.resolve(`${name}/package.json`), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

async function gitCommit(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { timeout: 5000 });
    return stdout.trim();
  } catch {
    return 'unknown (not a git checkout)';
  }
}

const quote = (a: string): string => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/** What a report needs to be reproduced: the exact command, the software and the machine. */
export async function provenance(argv: readonly string[] = process.argv): Promise<Record<string, string>> {
  return {
    command: ['gsdiff', ...argv.slice(2)].map(quote).join(' '),
    date: new Date().toISOString(),
    'gsdiff-workstation': VERSION,
    commit: await gitCommit(),
    node: process.version,
    'onnxruntime-node': packageVersion('onnxruntime-node'),
    'opencv.js (@techstark/opencv-js)': packageVersion('@techstark/opencv-js'),
    machine: `${platform()} ${release()}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`,
  };
}
