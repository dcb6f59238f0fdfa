import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isoInstant } from './kinds.js';
import { fit, given, settingsFromEnv, valueOf, type EnvVars } from './readSettings.js';
import type { ServerConfig } from './ServerConfig.js';
import { SETTINGS, type Settings } from './settings.js';

/** Flags of `gsdiff serve`; anything omitted comes from GSDIFF_* variables, then the defaults (SETTINGS). */
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

/**
 * Builds the frozen server configuration once at start-up from SETTINGS: flags, then `env`, then defaults. The access
 * token comes from GSDIFF_TOKEN, else from `<dataDir>/token` (first line; an optional `expires <instant>` line), else
 * it is generated here and `tokenGenerated` is set: `prepareDataDir` (called by startServer) saves it, since this
 * loader writes nothing. GSDIFF_TOKEN_EXPIRES applies to GSDIFF_TOKEN only.
 * @param env - the variables `readEnvironment` returned (tests pass their own)
 * @param repoRoot - where the default pack and the built viewer are
 * @throws SRV_ERR_CONFIG naming the variable, flag or file, the value and what was expected
 */
export function loadServerConfig(flags: ServeFlags, env: EnvVars, repoRoot = process.cwd()): ServerConfig {
  const fromEnv = settingsFromEnv(env);
  const dataDir = resolve(valueOf('dataDir', flags.data, fromEnv));
  const pack = given('packDir', flags.pack, fromEnv);
  const queueUrl = given('queueUrl', flags.queue, fromEnv);
  const viewerDir = join(repoRoot, 'viewer', 'dist');
  return Object.freeze({
    host: valueOf('host', flags.host, fromEnv),
    port: valueOf('port', flags.port, fromEnv),
    dataDir,
    ...serverToken(dataDir, fromEnv),
    corsOrigins: valueOf('corsOrigins', undefined, fromEnv),
    maxBodyBytes: valueOf('maxBodyBytes', undefined, fromEnv),
    packDir: pack !== undefined ? resolve(pack) : resolve(repoRoot, SETTINGS.packDir.default as string),
    device: valueOf('device', flags.device as Settings['device'] | undefined, fromEnv),
    cpuConcurrency: valueOf('cpuConcurrency', flags.cpuConcurrency, fromEnv),
    sources: valueOf('sources', undefined, fromEnv),
    ...(queueUrl !== undefined ? { queueUrl } : {}),
    demoWhenEmpty: valueOf('demoWhenEmpty', flags.demo, fromEnv),
    viewerDir: existsSync(viewerDir) ? viewerDir : undefined,
  });
}

function serverToken(
  dataDir: string,
  fromEnv: Partial<Settings>,
): Pick<ServerConfig, 'token' | 'tokenExpiresAt' | 'tokenGenerated'> {
  if (fromEnv.token !== undefined)
    return { token: fromEnv.token, tokenExpiresAt: fromEnv.tokenExpiresAt, tokenGenerated: false };
  const file = join(dataDir, 'token');
  const [first, ...rest] = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [''];
  // An empty token file is treated as none: a new token is generated (and saved over it at start-up).
  if (!first.trim()) return { token: randomBytes(24).toString('base64url'), tokenGenerated: true };
  const expires = rest.map((l) => /^expires\s+(\S+)\s*$/.exec(l.trim())?.[1]).find((v) => v !== undefined);
  return {
    token: fit(file, () => SETTINGS.token.read(first.trim())),
    tokenExpiresAt: expires === undefined ? undefined : fit(`${file} "expires" line`, () => isoInstant.read(expires)),
    tokenGenerated: false,
  };
}
