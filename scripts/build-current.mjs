#!/usr/bin/env node
// Which parts of the build are out of date, for start.sh: compares the newest modification time of each part's
// sources with its build stamp. Prints the stale parts, space-separated (`server`, `viewer`, or nothing when the build
// is current). `--stamp server` records a finished server build (tsc writes every output each time, so a stamp
// written after a successful run is the reliable "built at"). Usage: node scripts/build-current.mjs [--root DIR]
// [--stamp server]
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Source folders of `tsc -p tsconfig.build.json` (its include list, plus common/ which they import). */
const SERVER_DIRS = [
  'cli',
  'pacs-adapters',
  'models',
  'server',
  'validation',
  'demo',
  'bench',
  'types',
  'wire',
  'restore',
  'common',
];
const SERVER_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const SERVER_STAMP = 'dist/.build-stamp';
/** The viewer bundle also takes wire/ and the npm dependencies. */
const VIEWER_DIRS = ['viewer/src', 'wire'];
const VIEWER_FILES = ['viewer/index.html', 'viewer/vite.config.ts', 'viewer/tsconfig.json', 'package-lock.json'];
const VIEWER_OUTPUT = 'viewer/dist/index.html';
const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|css|html)$/;
const SKIP = new Set(['node_modules', 'dist', '__pycache__', '.git']);

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Newest modification time of the source files under `dir` (0 when there are none). */
function newestUnder(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    if (SKIP.has(e.name)) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestUnder(path));
    else if (e.isFile() && SOURCE.test(e.name)) newest = Math.max(newest, mtime(path) ?? 0);
  }
  return newest;
}

function newestOf(root, dirs, files) {
  let newest = 0;
  for (const d of dirs) newest = Math.max(newest, newestUnder(join(root, d)));
  for (const f of files) newest = Math.max(newest, mtime(join(root, f)) ?? 0);
  return newest;
}

/** The stale parts of the build under `root`: a part is stale when its output is missing or older than a source. */
export function staleParts(root) {
  const stale = [];
  const serverBuilt = mtime(join(root, SERVER_STAMP));
  if (serverBuilt === undefined || newestOf(root, SERVER_DIRS, SERVER_FILES) > serverBuilt) stale.push('server');
  const viewerBuilt = mtime(join(root, VIEWER_OUTPUT));
  if (viewerBuilt === undefined || newestOf(root, VIEWER_DIRS, VIEWER_FILES) > viewerBuilt) stale.push('viewer');
  return stale;
}

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt >= 0 ? args[rootAt + 1] : process.cwd();
const stampAt = args.indexOf('--stamp');
if (stampAt >= 0) {
  if (args[stampAt + 1] !== 'server') {
    process.stderr.write(`build-current: --stamp: expected server, got ${args[stampAt + 1]}\n`);
    process.exit(2);
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, SERVER_STAMP), `${new Date().toISOString()}\n`);
} else {
  process.stdout.write(`${staleParts(root).join(' ')}\n`);
}
