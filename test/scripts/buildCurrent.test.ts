import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * scripts/build-current.mjs, which start.sh asks what to rebuild: nothing when the build is newer than every source,
 * only the server or only the viewer when just their sources changed.
 */
const SCRIPT = resolve('scripts/build-current.mjs');

function stale(root: string): string[] {
  return execFileSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' })
    .trim()
    .split(/\s+/)
    .filter(Boolean);
}

function file(root: string, path: string, ageS: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, 'x');
  const t = Date.now() / 1000 - ageS;
  utimesSync(full, t, t);
}

describe('build-current', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'gsdiff-build-'));
    file(root, 'server/app.ts', 100);
    file(root, 'wire/index.ts', 100);
    file(root, 'viewer/src/main.ts', 100);
    file(root, 'viewer/index.html', 100);
    file(root, 'package-lock.json', 100);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('asks for both parts when nothing was built', () => {
    expect(stale(root)).toEqual(['server', 'viewer']);
  });

  it('asks for nothing right after a build', () => {
    execFileSync(process.execPath, [SCRIPT, '--root', root, '--stamp', 'server']);
    file(root, 'viewer/dist/index.html', 10);
    expect(stale(root)).toEqual([]);
  });

  it('rebuilds only the part whose sources changed', () => {
    file(root, 'dist/.build-stamp', 50);
    file(root, 'viewer/dist/index.html', 50);
    file(root, 'server/app.ts', 1);
    expect(stale(root)).toEqual(['server']);
    file(root, 'dist/.build-stamp', 0);
    file(root, 'viewer/src/main.ts', 0);
    // touched just now, after the stamp: newer by the file system's clock
    utimesSync(join(root, 'viewer/src/main.ts'), Date.now() / 1000 + 5, Date.now() / 1000 + 5);
    expect(stale(root)).toEqual(['viewer']);
  });

  it('rebuilds both when wire/ (shared by server and viewer) changed', () => {
    file(root, 'dist/.build-stamp', 50);
    file(root, 'viewer/dist/index.html', 50);
    file(root, 'wire/index.ts', 1);
    expect(stale(root)).toEqual(['server', 'viewer']);
  });

  it('ignores files that are not sources (training checkpoints, model weights)', () => {
    file(root, 'dist/.build-stamp', 50);
    file(root, 'viewer/dist/index.html', 50);
    file(root, 'models/training/state/dncnn.state.pt', 1);
    expect(stale(root)).toEqual([]);
  });
});
