import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

export interface ServerProcessOptions {
  /** dist/cli/main.js of this checkout. */
  readonly cli: string;
  readonly dataDir: string;
  readonly token: string;
  /** GSDIFF_SOURCES entries (JSON-serialisable). */
  readonly sources: readonly unknown[];
  /** Pack folder; omitted = the server's default pack. */
  readonly pack?: string;
  readonly device: string;
  /** stdout and stderr of the server go here. */
  readonly logFile: string;
}

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** What `gsdiff serve` printed on start (URL, data folder, pack and device). */
  readonly banner: string;
  readonly child: ChildProcess;
  /** SIGTERM (graceful: `gsdiff serve` shuts down in order), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

/**
 * `gsdiff serve` as its own process (not in the bench's), so /proc/<pid> memory is the server's alone. Listens on
 * 127.0.0.1 on a port the kernel picks; the URL is read from the server's "serving on" line.
 */
export async function startServerProcess(o: ServerProcessOptions): Promise<ServerProcess> {
  const args = [o.cli, 'serve', '--host', '127.0.0.1', '--port', '0', '--data', o.dataDir, '--device', o.device];
  if (o.pack !== undefined) args.push('--pack', o.pack);
  args.push('--no-demo');
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      GSDIFF_TOKEN: o.token,
      GSDIFF_SOURCES: JSON.stringify(o.sources),
      GSDIFF_LOG_LEVEL: process.env.GSDIFF_LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(o.logFile);
  child.stderr?.pipe(log);
  let out = '';
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('gsdiff serve: no "serving on" line within 60 s')), 60_000);
      child.once('error', (e) => reject(new Error(`gsdiff serve could not start: ${e.message}`)));
      child.once('exit', (code) =>
        reject(new Error(`gsdiff serve exited with ${code} before serving; log ${o.logFile}:\n${tail(o.logFile)}`)),
      );
      child.stdout?.on('data', (c: Buffer) => {
        log.write(c);
        if (out.length < 10_000) out += c.toString();
        // The banner ends with the token line; wait for it so the pack line is in `out` too.
        const m = /serving on (http:\/\/\S+)/.exec(out);
        if (m && out.includes('access token')) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    child.removeAllListeners('exit');
    return { url, pid: child.pid as number, banner: out, child, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-3000);
  } catch {
    return '(no log)';
  }
}
