import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEVICE_REQUESTS, type DeviceRequest } from '../models/index.js';
import { parseSources } from './config.js';
import { serverError } from './errors.js';
import { checkQueueUrl } from './jobs/redis/connectRedis.js';
import type { PacsSourceConfig } from './ServerConfig.js';

/** Flags of `gsdiff worker`; anything omitted comes from GSDIFF_* variables, then the defaults. */
export interface WorkerFlags {
  readonly queue?: string;
  readonly server?: string;
  readonly tokenFile?: string;
  readonly data?: string;
  readonly pack?: string;
  readonly device?: string;
  readonly concurrency?: number;
  readonly name?: string;
  readonly graceSeconds?: number;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly maxDeferrals?: number;
}

/** Validated, frozen configuration of one queue worker. */
export interface WorkerConfig {
  readonly queueUrl: string;
  /** The server whose DICOMweb serves 'local' series (`<serverUrl>/dicom-web`). */
  readonly serverUrl: string;
  readonly token: string;
  /** Scratch only (pulled input); never a server's data folder. */
  readonly dataDir: string;
  readonly packDir: string;
  readonly device: DeviceRequest;
  readonly concurrency: number;
  readonly name?: string;
  readonly graceMs: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxDeferrals: number;
  readonly sources: readonly PacsSourceConfig[];
}

export const WORKER_DEFAULTS = Object.freeze({
  serverUrl: 'http://127.0.0.1:8470',
  dataDir: '.gsdiff-worker',
  device: 'auto' as DeviceRequest,
  concurrency: 1,
  graceSeconds: 30,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxDeferrals: 30,
});

/**
 * Builds a worker's configuration. The queue comes from --queue / GSDIFF_QUEUE (required); the server's token from
 * GSDIFF_TOKEN, else --token-file (the server's `<data>/token`, copied to the worker with mode 600).
 * @throws SRV_ERR_CONFIG naming the setting and what was expected
 */
export function loadWorkerConfig(
  flags: WorkerFlags,
  env: NodeJS.ProcessEnv = process.env,
  repoRoot = process.cwd(),
): WorkerConfig {
  const bad = (setting: string, expected: string, got: unknown): never => {
    throw serverError('SRV_ERR_CONFIG', `${setting}: expected ${expected}, got ${JSON.stringify(got)}`, {
      field: setting,
    });
  };
  const queue = flags.queue ?? env.GSDIFF_QUEUE;
  if (!queue) bad('--queue / GSDIFF_QUEUE', 'a redis:// URL', queue ?? '(unset)');
  const queueUrl = checkQueueUrl(queue as string, '--queue / GSDIFF_QUEUE');
  const serverUrl = (flags.server ?? env.GSDIFF_SERVER ?? WORKER_DEFAULTS.serverUrl).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(serverUrl)) bad('--server / GSDIFF_SERVER', 'http(s)://host:port', serverUrl);
  let token = env.GSDIFF_TOKEN;
  if (!token && flags.tokenFile) {
    try {
      token = readFileSync(flags.tokenFile, 'utf8').trim();
    } catch (e) {
      bad('--token-file', 'a readable file holding the server token', `${flags.tokenFile}: ${String(e)}`);
    }
  }
  if (!token || token.length < 16) bad('GSDIFF_TOKEN / --token-file', "the server's token (16+ characters)", '');
  const device = (flags.device ?? env.GSDIFF_DEVICE ?? WORKER_DEFAULTS.device) as DeviceRequest;
  if (!DEVICE_REQUESTS.includes(device)) bad('--device / GSDIFF_DEVICE', DEVICE_REQUESTS.join(' | '), device);
  const concurrency = flags.concurrency ?? WORKER_DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) bad('--concurrency', 'an integer >= 1', concurrency);
  const dataDir = resolve(flags.data ?? env.GSDIFF_WORKER_DATA ?? WORKER_DEFAULTS.dataDir);
  mkdirSync(dataDir, { recursive: true });
  return Object.freeze({
    queueUrl,
    serverUrl,
    token: token as string,
    dataDir,
    packDir: resolve(flags.pack ?? env.GSDIFF_PACK ?? join(repoRoot, 'models', 'packs', 'gsdiff-s')),
    device,
    concurrency,
    ...(flags.name ? { name: flags.name } : {}),
    graceMs: (flags.graceSeconds ?? WORKER_DEFAULTS.graceSeconds) * 1000,
    lockDurationMs: flags.lockDurationMs ?? WORKER_DEFAULTS.lockDurationMs,
    stalledIntervalMs: flags.stalledIntervalMs ?? WORKER_DEFAULTS.stalledIntervalMs,
    maxDeferrals: flags.maxDeferrals ?? WORKER_DEFAULTS.maxDeferrals,
    sources: Object.freeze(parseSources(env)),
  });
}
