import { serverError } from '../errors.js';
import { Misfit } from './kinds.js';
import { SETTINGS, type Setting, type Settings } from './settings.js';

/** Environment variables as text, the way process.env holds them; tests pass their own. */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/**
 * The configuration error every loader throws: "<where>: expected <what>, got <value>", `details.field` = where.
 * @throws SRV_ERR_CONFIG always
 */
export function badSetting(where: string, expected: string, got: string): never {
  throw serverError('SRV_ERR_CONFIG', `${where}: expected ${expected}, got ${got}`, { field: where });
}

/** Runs a kind's read or check, turning its Misfit into SRV_ERR_CONFIG naming `where`. */
export function fit<T>(where: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof Misfit) badSetting(`${where}${e.at}`, e.expected, e.got);
    throw e;
  }
}

/**
 * Every variable of SETTINGS that is set (an empty one counts as unset), read and checked: the first bad one throws.
 * Variables the schema does not name (GSDIFF_DIST of the tests…) are left alone.
 * @throws SRV_ERR_CONFIG naming the variable, its value (a secret's length only) and what was expected
 */
export function settingsFromEnv(env: EnvVars): Partial<Settings> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(SETTINGS) as [keyof Settings, Setting<unknown>][]) {
    const raw = s.env === undefined ? undefined : env[s.env];
    if (raw !== undefined && raw !== '') out[key] = fit(s.env as string, () => s.read(raw));
  }
  return Object.freeze(out) as Partial<Settings>;
}

/**
 * Reads the process environment: the one place `process.env` is read. Checks every variable SETTINGS names once, at
 * start-up, and returns them frozen for the loaders; the CLI calls it before it parses a command.
 * @throws SRV_ERR_CONFIG naming the variable, its value and what was expected
 */
export function readEnvironment(env: EnvVars = process.env): EnvVars {
  settingsFromEnv(env);
  const names = (Object.values(SETTINGS) as { env?: string }[]).flatMap((s) => (s.env === undefined ? [] : [s.env]));
  return Object.freeze(Object.fromEntries(names.filter((n) => env[n] !== undefined).map((n) => [n, env[n]])));
}

/**
 * One setting's value: the caller's (a flag) when given, checked and named by its flag, else the variable's, else
 * undefined. Defaults are the loaders' to apply, since some resolve against a folder.
 * @throws SRV_ERR_CONFIG naming the flag, its value and what was expected
 */
export function given<K extends keyof Settings>(
  key: K,
  flag: Settings[K] | undefined,
  fromEnv: Partial<Settings>,
): Settings[K] | undefined {
  const s = SETTINGS[key] as Setting<Settings[K]>;
  return flag !== undefined ? fit(s.flag ?? key, () => s.check(flag)) : fromEnv[key];
}

/** `given`, else the schema's default. */
export function valueOf<K extends keyof Settings>(
  key: K,
  flag: Settings[K] | undefined,
  fromEnv: Partial<Settings>,
): Settings[K] {
  const v = given(key, flag, fromEnv) ?? SETTINGS[key].default;
  if (v === undefined) throw new Error(`valueOf(${key}): a setting without a default; use given()`);
  return v;
}
