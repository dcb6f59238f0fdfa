import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './orthanc.js';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RunningRedis {
  readonly port: number;
  readonly url: string;
  readonly dataDir: string;
  /** Graceful restart on the same port and data folder (AOF replayed at start). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Debian redis-server on 127.0.0.1 with its own port and data folder: AOF on (fsync every write, so even a kill
 * loses nothing), no RDB snapshots, protected mode. Stopped (and its folder removed) by `stop()`.
 * @throws Error naming the binary when redis-server is not installed (scripts/test.sh installs it)
 */
export async function startRedis(): Promise<RunningRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} missing: apt-get install redis-server`);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'gsdiff-redis-'));
  let child: ChildProcess | undefined;
  let log = '';
  const launch = async (): Promise<void> => {
    log = '';
    child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--dir',
        dataDir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--save',
        '',
        '--daemonize',
        'no',
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const deadline = Date.now() + 10_000;
    while (!(await answers(port))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start: ${log}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const halt = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dataDir,
    restart: async () => {
      await halt();
      await launch();
    },
    stop: async () => {
      await halt();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** True once something answers PING with PONG on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (d) => {
      got += d.toString();
      if (got.includes('PONG')) {
        s.destroy();
        resolve(true);
      }
    });
    s.on('connect', () => s.write('PING\r\n'));
    s.on('error', () => resolve(false));
    setTimeout(() => {
      s.destroy();
      resolve(false);
    }, 500);
  });
}
