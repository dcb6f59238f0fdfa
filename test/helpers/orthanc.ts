import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../bench/e2e/freePort.js';
import { uploadInstance, waitForOrthanc } from '../../bench/e2e/orthanc.js';

export { freePort };

export interface OrthancOptions {
  /** Extra DICOM peers Orthanc may talk to: name -> [AET, host, port]. */
  modalities?: Record<string, [string, string, number]>;
  /** Seconds without a new instance before Orthanc calls a series stable. */
  stableAge?: number;
  /**
   * Remote DICOMweb servers Orthanc's DICOMweb plugin may query and retrieve from (its `DicomWeb.Servers`), e.g.
   * `{ ours: { Url: 'http://127.0.0.1:<port>/dicom-web/', HttpHeaders: { Authorization: 'Bearer <token>' } } }`.
   */
  dicomWebServers?: Record<string, { Url: string; HttpHeaders?: Record<string, string> }>;
}

export interface RunningOrthanc {
  readonly httpUrl: string;
  readonly dicomWebUrl: string;
  readonly dicomPort: number;
  readonly aet: string;
  readonly username: string;
  readonly password: string;
  readonly authHeader: string;
  /** Orthanc REST: upload one DICOM file, returns its Orthanc instance id. */
  upload(bytes: Uint8Array): Promise<string>;
  rest<T>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts a real Debian Orthanc (with the DICOMweb plugin) as a plain process with its own config and storage in a temp
 * folder, authentication on and remote access off; tests only ever talk to it on 127.0.0.1. Orthanc 1.10 has no bind
 * address option, hence RemoteAccessAllowed false.
 */
export async function startOrthanc(o: OrthancOptions = {}): Promise<RunningOrthanc> {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-orthanc-'));
  const httpPort = await freePort();
  const dicomPort = await freePort();
  const username = 'gsdiff';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const aet = 'ORTHANC';
  const config = {
    Name: 'gsdiff-test',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'storage'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: aet,
    DicomCheckCalledAet: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [username]: password },
    Plugins: ['/usr/share/orthanc/plugins/libOrthancDicomWeb.so'],
    DicomWeb: {
      Enable: true,
      Root: '/dicom-web/',
      EnableWado: true,
      WadoRoot: '/wado',
      Ssl: false,
      StudiesMetadata: 'Full',
      SeriesMetadata: 'Full',
      ...(o.dicomWebServers ? { Servers: o.dicomWebServers } : {}),
    },
    DicomModalities: o.modalities ?? {},
    StableAge: o.stableAge ?? 2,
    HttpTimeout: 10,
    DicomScpTimeout: 10,
    StorageCompression: false,
    OverwriteInstances: false,
  };
  const configFile = join(dir, 'orthanc.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  const proc: ChildProcess = spawn('Orthanc', [configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const spawnError = new Promise<never>((_, reject) =>
    proc.once('error', (e) =>
      reject(new Error(`Orthanc could not start (install Debian packages orthanc orthanc-dicomweb): ${e.message}`)),
    ),
  );
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const authHeader = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  const rest = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${httpUrl}${path}`, {
      ...init,
      headers: { authorization: authHeader, ...(init.headers ?? {}) },
    });
    if (!res.ok) throw new Error(`Orthanc ${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  await waitForOrthanc(
    proc,
    rest,
    spawnError,
    20_000,
    () => proc.kill('SIGKILL'),
    () => stderr,
  );
  return {
    httpUrl,
    dicomWebUrl: `${httpUrl}/dicom-web`,
    dicomPort,
    aet,
    username,
    password,
    authHeader,
    rest,
    upload: (bytes) => uploadInstance(rest, bytes),
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise<void>((r) => proc.once('exit', () => r()));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
