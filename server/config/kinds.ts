import { queueUrlProblem } from '../jobs/index.js';

/**
 * A value that does not fit its setting. Kinds throw it without knowing where the value came from; the resolver
 * adds that (variable, flag, file), so every message reads "<where><at>: expected <expected>, got <got>".
 */
export class Misfit extends Error {
  constructor(
    readonly expected: string,
    readonly got: string,
    /** Inside a structured value, e.g. `[0].baseUrl` of GSDIFF_SOURCES. */
    readonly at = '',
  ) {
    super(`${at ? `${at}: ` : ''}expected ${expected}, got ${got}`);
  }
}

/** The type of one setting: how its text is read (environment, files) and how a typed value is checked. */
export interface Kind<T> {
  /** What a valid value is, as the error message says it. */
  readonly expected: string;
  /** The text of an environment variable → the value. @throws Misfit */
  readonly read: (text: string) => T;
  /** A value given typed (a flag commander parsed, a caller's option) → the value, normalised. @throws Misfit */
  readonly check: (value: T) => T;
}

/** An integer in [min, max]; text as Number() reads it (so `8470`, `8e3`), like the loaders before the schema. */
export function integer(min: number, max?: number): Kind<number> {
  const expected = max === undefined ? `an integer >= ${min}` : `an integer ${min}..${max}`;
  const fits = (n: number): boolean => Number.isInteger(n) && n >= min && (max === undefined || n <= max);
  return {
    expected,
    read: (text) => {
      const n = Number(text);
      if (!fits(n)) throw new Misfit(expected, JSON.stringify(text));
      return n;
    },
    check: (n) => {
      if (!fits(n)) throw new Misfit(expected, JSON.stringify(n));
      return n;
    },
  };
}

export function oneOf<T extends string>(values: readonly T[]): Kind<T> {
  const expected = values.join(' | ');
  const check = (v: T): T => {
    if (!values.includes(v)) throw new Misfit(expected, JSON.stringify(v));
    return v;
  };
  return { expected, read: (text) => check(text as T), check };
}

/** Text matching `pattern` (default: anything but empty). */
export function text(expected: string, pattern = /^[\s\S]+$/): Kind<string> {
  const check = (v: string): string => {
    if (!pattern.test(v)) throw new Misfit(expected, JSON.stringify(v));
    return v;
  };
  return { expected, read: check, check };
}

/** A secret of at least `minLength` characters; an error says only how long it was. */
export function secret(minLength: number): Kind<string> {
  const expected = `at least ${minLength} characters`;
  const check = (v: string): string => {
    if (v.length < minLength) throw new Misfit(expected, `${v.length} characters`);
    return v;
  };
  return { expected, read: check, check };
}

/** `0` or `1` (environment); a boolean given typed. */
export const zeroOrOne: Kind<boolean> = {
  expected: '0 or 1',
  read: (t) => {
    if (t !== '0' && t !== '1') throw new Misfit('0 or 1', JSON.stringify(t));
    return t === '1';
  },
  check: (v) => v,
};

/** An ISO 8601 instant (`2027-01-31T00:00:00Z`) → epoch ms. */
export const isoInstant: Kind<number> = {
  expected: 'an ISO 8601 instant (2027-01-31T00:00:00Z)',
  read: (t) => {
    const ms = Date.parse(t);
    if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(t))
      throw new Misfit(isoInstant.expected, JSON.stringify(t));
    return ms;
  },
  check: (ms) => {
    if (!Number.isFinite(ms)) throw new Misfit(isoInstant.expected, String(ms));
    return ms;
  },
};

/**
 * Comma-separated browser origins (`http://host:port`, no path, no trailing slash): the CORS allow-list compares
 * them with the Origin header character for character, so any other form would silently never match.
 */
export const origins: Kind<readonly string[]> = {
  expected: 'comma-separated origins like https://viewer.example:8443 (scheme, host, port; no path)',
  read: (t) =>
    origins.check(
      t
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  check: (list) => {
    list.forEach((o, i) => {
      let origin: string | undefined;
      try {
        origin = new URL(o).origin;
      } catch {
        origin = undefined;
      }
      if (origin !== o)
        throw new Misfit('an origin like https://viewer.example:8443 (no path)', JSON.stringify(o), `[${i}]`);
    });
    return Object.freeze([...list]);
  },
};

/** `http(s)://host[:port]`; trailing slashes are dropped, so `http://h:8470/` is accepted. */
export const httpOrigin: Kind<string> = {
  expected: 'http(s)://host:port',
  read: (t) => httpOrigin.check(t),
  check: (v) => {
    const url = v.replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+$/.test(url)) throw new Misfit(httpOrigin.expected, JSON.stringify(url));
    return url;
  },
};

/** A Redis queue URL (the job queue's grammar: server/jobs `queueUrlProblem`); errors never show the password. */
export const redisUrl: Kind<string> = {
  expected: 'a redis:// URL',
  read: (t) => redisUrl.check(t),
  check: (url) => {
    const problem = queueUrlProblem(url);
    if (problem) throw new Misfit(problem.expected, problem.got);
    return url;
  },
};
