import { DEVICE_REQUESTS, type DeviceRequest } from '../../models/index.js';
import {
  httpOrigin,
  integer,
  isoInstant,
  oneOf,
  origins,
  redisUrl,
  secret,
  text,
  zeroOrOne,
  type Kind,
} from './kinds.js';
import { pacsSources } from './pacsSources.js';
import type { PacsSourceConfig } from './ServerConfig.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every configurable value of the workstation, typed. `SETTINGS` says where each comes from and what it may be. */
export interface Settings {
  readonly storeDir: string;
  readonly logLevel: LogLevel;
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly packDir: string;
  readonly device: DeviceRequest;
  readonly cpuConcurrency: number;
  readonly maxBodyBytes: number;
  readonly corsOrigins: readonly string[];
  readonly demoWhenEmpty: boolean;
  readonly token: string;
  readonly tokenExpiresAt: number;
  readonly sources: readonly PacsSourceConfig[];
  readonly queueUrl: string;
  readonly serverUrl: string;
  readonly workerDataDir: string;
  readonly tokenFile: string;
  readonly concurrency: number;
  readonly workerName: string;
  readonly graceSeconds: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  readonly maxDeferrals: number;
}

/** One setting of the schema. */
export interface Setting<T> extends Kind<T> {
  /** Its environment variable; none for settings only a flag sets. */
  readonly env?: string;
  /** The command-line flag that overrides the variable; none for settings only the environment sets. */
  readonly flag?: string;
  /** Used when neither gives a value; none: optional, or required where the entry point says so. */
  readonly default?: T;
}

const setting = <T>(kind: Kind<T>, s: Omit<Setting<NoInfer<T>>, keyof Kind<T>>): Setting<T> =>
  Object.freeze({ ...kind, ...s });
const folder = text('a folder path');

/**
 * The one configuration schema (STYLE.md rule 6): defaults, types, ranges, environment variables and flags of every
 * entry point. A value comes from its flag, else its variable, else its default; `readEnvironment` checks every
 * variable here once at start-up, and loadServerConfig / loadWorkerConfig / loadCliConfig build frozen views of it.
 */
export const SETTINGS: { readonly [K in keyof Settings]: Setting<Settings[K]> } = Object.freeze({
  storeDir: setting(folder, { env: 'GSDIFF_STORE', flag: '--store', default: '.gsdiff/store' }),
  logLevel: setting(oneOf(LOG_LEVELS), { env: 'GSDIFF_LOG_LEVEL', default: 'info' }),
  host: setting(text('a host name or address', /^[^\s/]+$/), {
    env: 'GSDIFF_HOST',
    flag: '--host',
    default: '127.0.0.1',
  }),
  port: setting(integer(0, 65535), { env: 'GSDIFF_PORT', flag: '--port', default: 8470 }),
  dataDir: setting(folder, { env: 'GSDIFF_DATA', flag: '--data', default: '.gsdiff' }),
  // Relative to the repository root when it is the default (serve, worker), to the working folder when given.
  packDir: setting(folder, { env: 'GSDIFF_PACK', flag: '--pack', default: 'models/packs/gsdiff-t' }),
  device: setting(oneOf(DEVICE_REQUESTS), { env: 'GSDIFF_DEVICE', flag: '--device', default: 'auto' }),
  cpuConcurrency: setting(integer(1), { env: 'GSDIFF_CPU_JOBS', default: 1 }),
  maxBodyBytes: setting(integer(1), { env: 'GSDIFF_MAX_BODY', default: 512 * 1024 * 1024 }),
  corsOrigins: setting(origins, { env: 'GSDIFF_CORS_ORIGINS', default: Object.freeze([]) }),
  demoWhenEmpty: setting(zeroOrOne, { env: 'GSDIFF_DEMO', flag: '--no-demo', default: true }),
  token: setting(secret(16), { env: 'GSDIFF_TOKEN' }),
  tokenExpiresAt: setting(isoInstant, { env: 'GSDIFF_TOKEN_EXPIRES' }),
  sources: setting(pacsSources, { env: 'GSDIFF_SOURCES', default: Object.freeze([]) }),
  queueUrl: setting(redisUrl, { env: 'GSDIFF_QUEUE', flag: '--queue' }),
  serverUrl: setting(httpOrigin, { env: 'GSDIFF_SERVER', flag: '--server', default: 'http://127.0.0.1:8470' }),
  workerDataDir: setting(folder, { env: 'GSDIFF_WORKER_DATA', flag: '--data', default: '.gsdiff-worker' }),
  tokenFile: setting(folder, { flag: '--token-file' }),
  concurrency: setting(integer(1), { flag: '--concurrency', default: 1 }),
  workerName: setting(text('a name'), { flag: '--name' }),
  graceSeconds: setting(integer(0), { flag: '--grace', default: 30 }),
  lockDurationMs: setting(integer(1), { flag: '--lock-duration', default: 30_000 }),
  stalledIntervalMs: setting(integer(1), { flag: '--stalled-interval', default: 30_000 }),
  maxDeferrals: setting(integer(1), { flag: '--max-deferrals', default: 30 }),
});
