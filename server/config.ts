import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEVICE_REQUESTS, type DeviceRequest } from '../models/index.js';
import { serverError } from './errors.js';
import { checkQueueUrl } from './jobs/redis/connectRedis.js';
import type { PacsSourceConfig, ServerConfig } from './ServerConfig.js';

/** Flags of `gsdiff serve`; anything omitted comes from GSDIFF_* variables, then the defaults. */
export interface ServeFlags {
  readonly port?: number;
  readonly host?: string;
  readonly data?: string;
  readonly pack?: string;
  readonly device?: string;
  readonly cpuConcurrency?: number;
  readonly demo?: boolean;
  /** `redis://…`: jobs go to BullMQ on Redis and run in `gsdiff worker` processes (no local inference). */
  readonly queue?: string;
}

export const SERVER_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 8470,
  dataDir: '.gsdiff',
  maxBodyBytes: 512 * 1024 * 1024,
  cpuConcurrency: 1,
  device: 'auto' as DeviceRequest,
});

/**
 * Builds the frozen server configuration once at start-up. The access token comes from GSDIFF_TOKEN, else from
 * `<dataDir>/token` (written with mode 600 on first start, so restarts keep it). A token may expire: GSDIFF_TOKEN_EXPIRES,
 * or an `expires <instant>` line in the token file. Sources are JSON in GSDIFF_SOURCES.
 * @throws SRV_ERR_CONFIG naming the setting and what was expected
 */
export function loadServerConfig(
  flags: ServeFlags,
  env: NodeJS.ProcessEnv = process.env,
  repoRoot = process.cwd(),
): ServerConfig {
  const bad = (setting: string, expected: string, got: unknown): never => {
    throw serverError('SRV_ERR_CONFIG', `${setting}: expected ${expected}, got ${JSON.stringify(got)}`, {
      field: setting,
    });
  };
  const port = flags.port ?? (env.GSDIFF_PORT ? Number(env.GSDIFF_PORT) : SERVER_DEFAULTS.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) bad('--port / GSDIFF_PORT', 'an integer 0..65535', port);
  const dataDir = resolve(flags.data ?? env.GSDIFF_DATA ?? SERVER_DEFAULTS.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const device = (flags.device ?? env.GSDIFF_DEVICE ?? SERVER_DEFAULTS.device) as DeviceRequest;
  if (!DEVICE_REQUESTS.includes(device)) bad('--device / GSDIFF_DEVICE', DEVICE_REQUESTS.join(' | '), device);
  const cpuConcurrency =
    flags.cpuConcurrency ?? (env.GSDIFF_CPU_JOBS ? Number(env.GSDIFF_CPU_JOBS) : SERVER_DEFAULTS.cpuConcurrency);
  if (!Number.isInteger(cpuConcurrency) || cpuConcurrency < 1)
    bad('GSDIFF_CPU_JOBS', 'an integer >= 1', cpuConcurrency);
  let token = env.GSDIFF_TOKEN;
  let expires = token ? env.GSDIFF_TOKEN_EXPIRES : undefined;
  let tokenGenerated = false;
  const tokenFile = join(dataDir, 'token');
  if (!token && existsSync(tokenFile)) {
    // First line the token; an optional `expires <ISO 8601 instant>` line after it.
    const [first, ...rest] = readFileSync(tokenFile, 'utf8').split('\n');
    token = first.trim();
    expires = rest.map((l) => /^expires\s+(\S+)\s*$/.exec(l.trim())?.[1]).find((v) => v !== undefined);
  }
  if (!token) {
    token = randomBytes(24).toString('base64url');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    tokenGenerated = true;
  }
  if (token.length < 16) bad('GSDIFF_TOKEN', 'at least 16 characters', `${token.length} characters`);
  const tokenExpiresAt = expires === undefined ? undefined : Date.parse(expires);
  if (tokenExpiresAt !== undefined && (!Number.isFinite(tokenExpiresAt) || !/^\d{4}-\d{2}-\d{2}T/.test(expires ?? '')))
    bad('GSDIFF_TOKEN_EXPIRES / token file "expires" line', 'an ISO 8601 instant (2027-01-31T00:00:00Z)', expires);
  const sources = parseSources(env);
  const queue = flags.queue ?? env.GSDIFF_QUEUE;
  const queueUrl = queue ? checkQueueUrl(queue, '--queue / GSDIFF_QUEUE') : undefined;
  const viewerDir = join(repoRoot, 'viewer', 'dist');
  return Object.freeze({
    host: flags.host ?? env.GSDIFF_HOST ?? SERVER_DEFAULTS.host,
    port,
    dataDir,
    token,
    tokenExpiresAt,
    tokenGenerated,
    corsOrigins: Object.freeze(
      (env.GSDIFF_CORS_ORIGINS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
    maxBodyBytes: env.GSDIFF_MAX_BODY ? Number(env.GSDIFF_MAX_BODY) : SERVER_DEFAULTS.maxBodyBytes,
    packDir: resolve(flags.pack ?? env.GSDIFF_PACK ?? join(repoRoot, 'models', 'packs', 'gsdiff-s')),
    device,
    cpuConcurrency,
    sources: Object.freeze(sources),
    ...(queueUrl ? { queueUrl } : {}),
    demoWhenEmpty: flags.demo ?? env.GSDIFF_DEMO !== '0',
    viewerDir: existsSync(viewerDir) ? viewerDir : undefined,
  });
}

/**
 * The PACS sources of GSDIFF_SOURCES (a JSON array; the server and its queue workers read the same variable).
 * @throws SRV_ERR_CONFIG naming the variable and what was expected
 */
export function parseSources(env: NodeJS.ProcessEnv = process.env): PacsSourceConfig[] {
  const bad = (setting: string, expected: string, got: unknown): never => {
    throw serverError('SRV_ERR_CONFIG', `${setting}: expected ${expected}, got ${JSON.stringify(got)}`, {
      field: setting,
    });
  };
  let sources: PacsSourceConfig[] = [];
  if (env.GSDIFF_SOURCES) {
    try {
      sources = JSON.parse(env.GSDIFF_SOURCES) as PacsSourceConfig[];
    } catch {
      bad('GSDIFF_SOURCES', 'a JSON array of PACS sources', env.GSDIFF_SOURCES.slice(0, 80));
    }
    if (
      !Array.isArray(sources) ||
      sources.some((s) => !s || typeof s.id !== 'string' || (s.kind !== 'dicomweb' && s.kind !== 'dimse'))
    ) {
      bad('GSDIFF_SOURCES', 'entries with an id and kind dicomweb | dimse', 'another shape');
    }
    if (sources.some((s) => s.id === 'local'))
      bad('GSDIFF_SOURCES', 'ids other than "local" (reserved for the store)', 'local');
  }
  return sources;
}
