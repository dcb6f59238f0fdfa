import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DeviceRequest } from '../../models/index.js';
import { badSetting, fit, given, settingsFromEnv, valueOf, type EnvVars } from './readSettings.js';
import type { PacsSourceConfig } from './ServerConfig.js';
import { SETTINGS, type Settings } from './settings.js';

/** Flags of `gsdiff worker`; anything omitted comes from GSDIFF_* variables, then the defaults (SETTINGS). */
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
  /** Scratch only (pulled input); never a server's data folder. startWorker creates it. */
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

/**
 * Builds a worker's frozen configuration from SETTINGS: flags, then `env`, then defaults. The queue comes from
 * --queue / GSDIFF_QUEUE (required); the server's token from GSDIFF_TOKEN, else --token-file (the server's
 * `<data>/token`, copied to the worker with mode 600). Reads the token file; writes nothing.
 * @param env - the variables `readEnvironment` returned (tests pass their own)
 * @param repoRoot - where the default pack is
 * @throws SRV_ERR_CONFIG naming the variable, flag or file, the value and what was expected
 */
export function loadWorkerConfig(flags: WorkerFlags, env: EnvVars, repoRoot = process.cwd()): WorkerConfig {
  const fromEnv = settingsFromEnv(env);
  const queueUrl =
    given('queueUrl', flags.queue, fromEnv) ?? badSetting('--queue / GSDIFF_QUEUE', 'a redis:// URL', 'nothing');
  const pack = given('packDir', flags.pack, fromEnv);
  const name = given('workerName', flags.name, fromEnv);
  return Object.freeze({
    queueUrl,
    serverUrl: valueOf('serverUrl', flags.server, fromEnv),
    token: workerToken(given('tokenFile', flags.tokenFile, fromEnv), fromEnv),
    dataDir: resolve(valueOf('workerDataDir', flags.data, fromEnv)),
    packDir: pack !== undefined ? resolve(pack) : resolve(repoRoot, SETTINGS.packDir.default as string),
    device: valueOf('device', flags.device as Settings['device'] | undefined, fromEnv),
    concurrency: valueOf('concurrency', flags.concurrency, fromEnv),
    ...(name !== undefined ? { name } : {}),
    graceMs: valueOf('graceSeconds', flags.graceSeconds, fromEnv) * 1000,
    lockDurationMs: valueOf('lockDurationMs', flags.lockDurationMs, fromEnv),
    stalledIntervalMs: valueOf('stalledIntervalMs', flags.stalledIntervalMs, fromEnv),
    maxDeferrals: valueOf('maxDeferrals', flags.maxDeferrals, fromEnv),
    sources: valueOf('sources', undefined, fromEnv),
  });
}

function workerToken(tokenFile: string | undefined, fromEnv: Partial<Settings>): string {
  if (fromEnv.token !== undefined) return fromEnv.token;
  if (tokenFile === undefined)
    return badSetting('GSDIFF_TOKEN / --token-file', "the server's token (16+ characters)", 'neither');
  let text: string;
  try {
    text = readFileSync(tokenFile, 'utf8');
  } catch (e) {
    return badSetting('--token-file', 'a readable file holding the server token', `${tokenFile}: ${String(e)}`);
  }
  return fit(`--token-file ${tokenFile}`, () => SETTINGS.token.read(text.trim()));
}
