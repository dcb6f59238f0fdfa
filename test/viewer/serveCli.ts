import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `gsdiff serve` as README's start command runs it (`node dist/cli/main.js serve`, what `./scripts/start.sh` execs
 * once the build is current), in a child process whose console the test reads as a newcomer would read the terminal.
 */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `re` in stdout (waiting for it), or fails after `ms` with what was printed. */
  waitFor(re: RegExp, ms: number): Promise<RegExpExecArray>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (or the signal's name). */
  stop(graceMs?: number): Promise<number | string>;
}

/**
 * Starts the built CLI's `serve` with `args`, in a shell-like environment: the test runner's environment without
 * NODE_OPTIONS (jest's --experimental-vm-modules is not a newcomer's) and without any GSDIFF_* variable, so every
 * setting is serve's default (demo study on, default pack, device auto, loopback) but those `args` choose.
 * @throws when dist/ has not been built (`npx tsc -p tsconfig.build.json`)
 */
export function startServeCli(args: readonly string[], root = process.cwd()): ServeProcess {
  const main = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(main)) {
    throw new Error(`startServeCli: expected the built CLI at ${main} (npx tsc -p tsconfig.build.json), got none`);
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('GSDIFF_') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  const child = spawn(process.execPath, [main, 'serve', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    for (const w of [...waiters]) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => {
      for (const w of [...waiters]) w();
      resolve(code ?? signal ?? 'unknown');
    }),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (re, ms) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(out);
          if (m) {
            finish();
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(
              new Error(
                `serve exited (${child.exitCode ?? child.signalCode}) before ${re}; stdout:\n${out}\nstderr:\n${err}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out after ${ms} ms waiting for ${re} on serve's stdout:\n${out.slice(-4000)}`));
        }, ms);
        const finish = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    stop: async (graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
