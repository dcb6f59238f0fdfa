import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './freePort.js';

export interface BenchOrthanc {
  readonly url: string;
  readonly dicomWebUrl: string;
  readonly username: string;
  readonly password: string;
  readonly pid: number;
  rest<T>(path: string, init?: RequestInit): Promise<T>;
  /** REST POST /instances of one Part 10 file; resolves with Orthanc's instance id. */
  upload(bytes: Uint8Array): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Debian Orthanc with the DICOMweb plugin as a child process, config and storage under `dir`, on free loopback ports:
 * authentication on and remote access off (Orthanc 1.10 has no bind-address option). Same settings as bench/wado.sh;
 * bench/ does not import test/ code, hence this copy of the essentials of test/helpers/orthanc.ts.
 */
export async function startBenchOrthanc(dir: string, binary = 'Orthanc'): Promise<BenchOrthanc> {
  mkdirSync(dir, { recursive: true });
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const username = 'bench';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const config = {
    Name: 'gsdiff-e2e-bench',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'storage'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [username]: password },
    Plugins: ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so'],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Ssl: false },
    StorageCompression: false,
    // A 600-slice STOW from the push-back stage takes longer than the 10 s the tests use.
    HttpTimeout: 120,
  };
  const configFile = join(dir, 'orthanc.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const logFile = join(dir, 'orthanc.log');
  const log = createWriteStream(logFile);
  const proc: ChildProcess = spawn(binary, [configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  proc.stderr?.pipe(log);
  const spawnError = new Promise<never>((_, reject) =>
    proc.once('error', (e) =>
      reject(new Error(`Orthanc could not start (apt-get install orthanc orthanc-dicomweb): ${e.message}`)),
    ),
  );
  const url = `http://127.0.0.1:${httpPort}`;
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const rest = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${url}${path}`, { ...init, headers: { authorization, ...(init.headers ?? {}) } });
    if (!res.ok) throw new Error(`Orthanc ${init.method ?? 'GET'} ${path}: expected 2xx, got HTTP ${res.status}`);
    return (await res.json()) as T;
  };
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
    }
    log.end();
  };
  await waitForOrthanc(proc, rest, spawnError, 30_000, stop, () => readFileSync(logFile, 'utf8').slice(-2000));
  return {
    url,
    dicomWebUrl: `${url}/dicom-web`,
    username,
    password,
    pid: proc.pid as number,
    rest,
    upload: (bytes) => uploadInstance(rest, bytes),
    stop,
  };
}

type Rest = <T>(path: string, init?: RequestInit) => Promise<T>;

/**
 * Polls GET /system until Orthanc answers (shared with test/helpers/orthanc.ts). Past the deadline, when the process
 * has exited or could not be spawned, stops it and throws with `log()` (its last output) where there is one.
 */
export async function waitForOrthanc(
  proc: ChildProcess,
  rest: Rest,
  spawnError: Promise<never>,
  timeoutMs: number,
  stop: () => unknown,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`Orthanc exited with ${proc.exitCode}: ${log()}`);
    }
    try {
      await Promise.race([rest('/system'), spawnError]);
      return;
    } catch (e) {
      if (Date.now() > deadline || (e instanceof Error && e.message.startsWith('Orthanc could not start'))) {
        await stop();
        throw e;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** REST POST /instances of one Part 10 file; resolves with Orthanc's instance id. */
export async function uploadInstance(rest: Rest, bytes: Uint8Array): Promise<string> {
  const r = await rest<{ ID: string }>('/instances', {
    method: 'POST',
    body: bytes,
    headers: { 'content-type': 'application/dicom' },
  });
  return r.ID;
}

/** Uploads files with at most `concurrency` requests in flight (Orthanc's HTTP server takes a few in parallel). */
export async function uploadFiles(orthanc: BenchOrthanc, files: readonly string[], concurrency: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const file = files[next++];
      try {
        await orthanc.upload(readFileSync(file));
      } catch (e) {
        throw new Error(`upload of ${file}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}
