/**
 * Debian's Chromium for the viewer's end-to-end tests (test/viewer) and benchmarks (bench/viewer.ts): launcher, flags,
 * the viewer build check and a free loopback port. Here rather than in test/ because the benchmarks are compiled
 * (tsconfig.build.json leaves test/ out) and the tests import it from here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); no browser is ever downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/** WebGL2 through SwiftShader, no GPU, no network chatter (see the stack notes). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

export function haveChromium(): boolean {
  return existsSync(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((f) => newestMtime(join(path, f))));
}

/**
 * Builds `viewer/dist` when it is missing or older than the viewer's sources (`npm run build` has usually built it
 * just before the tests; a plain `jest test/viewer` after editing the viewer rebuilds here).
 */
export function ensureViewerBuilt(root = process.cwd()): void {
  const viewer = join(root, 'viewer');
  const built = join(viewer, 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(join(viewer, 'src')),
    newestMtime(join(viewer, 'index.html')),
    newestMtime(join(viewer, 'vite.config.ts')),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  execFileSync(join(root, 'node_modules', '.bin', 'vite'), ['build', 'viewer', '--logLevel', 'error'], {
    cwd: root,
    stdio: 'inherit',
  });
}

/** A loopback port that was free a moment ago (the server must know its own origin before it starts, see below). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
