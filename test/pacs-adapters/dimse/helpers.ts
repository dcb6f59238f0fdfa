import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeFrame,
  derivedSeriesSpec,
  modalityValues,
  parseInstance,
  writeDerivedInstance,
  type DerivationInfo,
} from '../../../pacs-adapters/index.js';
import type { DataSet } from '../../../pacs-adapters/dicom/parseDataSet.js';
import { freePort } from '../../helpers/orthanc.js';
import { sharedPath } from '../../helpers/sharedData.js';

/** The 28-slice GE head CT (Explicit VR LE, CT Image Storage), read in place. */
export const HEAD_CT = 'ct-ge-head-human-tilted';

export function headCtFiles(): string[] {
  const dir = sharedPath(HEAD_CT);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .map((f) => join(dir, f));
}

/** SOP Instance UID -> source file, for comparing what came back with what went in. */
export function bySopInstanceUid(files: readonly string[]): Map<string, Uint8Array> {
  const map = new Map<string, Uint8Array>();
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(f));
    map.set(parseInstance(bytes, f).header.sopInstanceUid, bytes);
  }
  return map;
}

/**
 * Every attribute of a Part 10 file as path -> value bytes (hex), sequences walked item by item, File Meta and
 * group lengths left out: equal maps mean the same data set whatever its encoding (explicit or implicit VR,
 * defined or undefined lengths), private attributes included.
 */
export function attributes(bytes: Uint8Array, name: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (ds: DataSet, prefix: string): void => {
    for (const [tag, el] of Object.entries(ds.elements)) {
      if (tag.startsWith('x0002') || tag.startsWith('xfffe') || tag.endsWith('0000')) continue;
      if (el.items) {
        el.items.forEach((item, i) => item.dataSet && walk(item.dataSet, `${prefix}${tag}[${i}].`));
        out.set(`${prefix}${tag}`, `items:${el.items.length}`);
      } else {
        out.set(
          `${prefix}${tag}`,
          Buffer.from(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length)).toString('hex'),
        );
      }
    }
  };
  walk(parseInstance(bytes, name).dataSet, '');
  return out;
}

/** Decoded stored values of frame 0 as bytes: equal arrays mean pixel-identical, whatever the transfer syntax. */
export async function storedValues(bytes: Uint8Array, name: string): Promise<Buffer> {
  const frame = await decodeFrame(parseInstance(bytes, name), 0);
  const v = frame.kind === 'gray' ? frame.stored : frame.rgb;
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

const derivation: DerivationInfo = {
  method: 'identity (test)',
  task: 'identity',
  packName: 'none',
  packSha256: '0'.repeat(64),
  parameters: {},
  softwareVersion: '0.1.0',
};

/** A derived series of `files` with identity pixels (decodeFrame + modalityValues, written back). */
export async function identitySeries(
  files: readonly string[],
): Promise<{ seriesInstanceUid: string; instances: Uint8Array[] }> {
  const first = parseInstance(new Uint8Array(readFileSync(files[0])), files[0]);
  const spec = derivedSeriesSpec(first.header, [first.header.seriesNumber ?? 0]);
  const instances: Uint8Array[] = [];
  for (const f of files) {
    const src = parseInstance(new Uint8Array(readFileSync(f)), f);
    const frame = await decodeFrame(src, 0);
    if (frame.kind !== 'gray') throw new Error('identitySeries: expected greyscale');
    const out = writeDerivedInstance(
      src,
      { kind: 'modality', frames: [modalityValues(frame, src.header)] },
      derivation,
      spec,
    );
    instances.push(out.bytes);
  }
  return { seriesInstanceUid: spec.seriesInstanceUid, instances };
}

export interface ToolResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a dcmtk tool (a foreign peer), killed after `timeoutMs`. */
export function runTool(cmd: string, args: readonly string[], timeoutMs = 20_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    p.stdout.on('data', (c: Buffer) => (output += c.toString()));
    p.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.once('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} could not start (install Debian package dcmtk): ${e.message}`));
    });
    p.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RunningStorescp {
  readonly port: number;
  readonly aet: string;
  readonly dir: string;
  /** Files written so far. */
  files(): string[];
  stop(): Promise<void>;
}

/** dcmtk storescp on a free port writing into a temp folder; `extra` adds options (e.g. --refuse). */
export async function startStorescp(aet: string, extra: readonly string[] = []): Promise<RunningStorescp> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-storescp-'));
  const p = spawn('storescp', ['-aet', aet, '-od', dir, ...extra, String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  p.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  try {
    await waitForPort(port);
  } catch (e) {
    p.kill('SIGKILL');
    throw new Error(`storescp did not start: ${stderr}`, { cause: e });
  }
  return {
    port,
    aet,
    dir,
    files: () => readdirSync(dir).map((f) => join(dir, f)),
    stop: async () => {
      if (p.exitCode === null) {
        const exited = new Promise<void>((r) => p.once('exit', () => r()));
        p.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Bytes passed from server to client so far. */
  bytesDown(): number;
  /** Connections cut so far (0 or 1). */
  cuts(): number;
  close(): Promise<void>;
}

/**
 * A TCP proxy to 127.0.0.1:targetPort that cuts ONE connection: the first through which more than `cutAfter` bytes
 * flow in one direction ('up': client to server, 'down': server to client); every other connection passes
 * untouched. Simulates a network failure in the middle of a transfer.
 */
export async function flakyProxy(targetPort: number, cutAfter: number, direction: 'up' | 'down'): Promise<TcpProxy> {
  let count = 0;
  let down = 0;
  let cut = 0;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    count++;
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    open.add(client);
    open.add(upstream);
    let flowed = 0;
    const cutNow = (): void => {
      cut++;
      client.destroy();
      upstream.destroy();
    };
    const pipe = (from: Socket, to: Socket, dir: 'up' | 'down'): void => {
      from.on('data', (chunk: Buffer) => {
        if (cut === 0 && dir === direction) {
          flowed += chunk.length;
          if (flowed > cutAfter) {
            cutNow();
            return;
          }
        }
        if (dir === 'down') down += chunk.length;
        to.write(chunk);
      });
      from.on('close', () => to.destroy());
      from.on('error', () => to.destroy());
    };
    pipe(client, upstream, 'up');
    pipe(upstream, client, 'down');
    client.on('close', () => open.delete(client));
    upstream.on('close', () => open.delete(upstream));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    port,
    connections: () => count,
    bytesDown: () => down,
    cuts: () => cut,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts TCP connections and never says a word: a hung peer. */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const open = new Set<Socket>();
  const server = createServer((s) => {
    open.add(s);
    s.on('error', () => undefined);
    s.on('close', () => open.delete(s));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    port,
    close: async () => {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Runs `fn` and returns how many milliseconds it took along with its settled outcome. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const t0 = performance.now();
  try {
    const value = await fn();
    return { ms: performance.now() - t0, value };
  } catch (error) {
    return { ms: performance.now() - t0, error };
  }
}
