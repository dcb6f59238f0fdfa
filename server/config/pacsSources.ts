import { Misfit, type Kind } from './kinds.js';
import type { PacsSourceConfig } from './ServerConfig.js';

const EXPECTED = 'a JSON array of PACS sources';
const KEYS = {
  dicomweb: ['id', 'kind', 'baseUrl', 'auth', 'pushBack'],
  dimse: ['id', 'kind', 'callingAet', 'peer', 'pushBack'],
} as const;

const AET = 'an AE title (1-16 characters, no backslash)';
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v));

/**
 * GSDIFF_SOURCES: every entry's shape checked here, once, so an adapter never meets a missing URL or AE title at
 * the first pull. Unknown keys are refused (a misspelt `pushback` would otherwise silently mean "no push-back").
 * Credentials are never echoed in an error.
 */
export const pacsSources: Kind<readonly PacsSourceConfig[]> = {
  expected: EXPECTED,
  read: (text) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Misfit(EXPECTED, 'text that is not JSON');
    }
    return pacsSources.check(parsed as readonly PacsSourceConfig[]);
  },
  check: (value) => {
    const list: unknown = value;
    if (!Array.isArray(list)) throw new Misfit(EXPECTED, typeof list);
    const ids = new Set<string>();
    const out = list.map((entry: unknown, i) => {
      const s = source(entry, `[${i}]`);
      if (ids.has(s.id)) throw new Misfit('ids used once', JSON.stringify(s.id), `[${i}].id`);
      ids.add(s.id);
      return s;
    });
    return Object.freeze(out);
  },
};

function source(entry: unknown, at: string): PacsSourceConfig {
  if (!isObject(entry)) throw new Misfit('an object with an id and kind dicomweb | dimse', show(entry), at);
  const { id, kind } = entry;
  if (typeof id !== 'string' || !id) throw new Misfit('a non-empty string', show(id), `${at}.id`);
  if (id === 'local') throw new Misfit('ids other than "local" (reserved for the store)', '"local"', `${at}.id`);
  if (kind !== 'dicomweb' && kind !== 'dimse') throw new Misfit('dicomweb | dimse', show(kind), `${at}.kind`);
  const unknown = Object.keys(entry).find((k) => !(KEYS[kind] as readonly string[]).includes(k));
  if (unknown !== undefined) throw new Misfit(`only ${KEYS[kind].join(', ')}`, `key "${unknown}"`, at);
  if (entry.pushBack !== undefined && typeof entry.pushBack !== 'boolean')
    throw new Misfit('true or false', show(entry.pushBack), `${at}.pushBack`);
  const pushBack = entry.pushBack === undefined ? {} : { pushBack: entry.pushBack };
  if (kind === 'dicomweb') {
    const { baseUrl } = entry;
    if (typeof baseUrl !== 'string' || !/^https?:\/\/\S+$/.test(baseUrl))
      throw new Misfit('an http(s) URL', show(baseUrl), `${at}.baseUrl`);
    const auth = entry.auth === undefined ? {} : { auth: dicomWebAuth(entry.auth, `${at}.auth`) };
    return Object.freeze({ id, kind, baseUrl, ...auth, ...pushBack });
  }
  const { callingAet, peer } = entry;
  if (!isAet(callingAet)) throw new Misfit(AET, show(callingAet), `${at}.callingAet`);
  if (!isObject(peer) || Object.keys(peer).some((k) => !['aet', 'host', 'port'].includes(k)))
    throw new Misfit(
      '{ aet, host, port }',
      isObject(peer) ? `keys ${Object.keys(peer).join(', ')}` : show(peer),
      `${at}.peer`,
    );
  if (!isAet(peer.aet)) throw new Misfit(AET, show(peer.aet), `${at}.peer.aet`);
  if (typeof peer.host !== 'string' || !peer.host)
    throw new Misfit('a host name or address', show(peer.host), `${at}.peer.host`);
  if (typeof peer.port !== 'number' || !Number.isInteger(peer.port) || peer.port < 1 || peer.port > 65535)
    throw new Misfit('an integer 1..65535', show(peer.port), `${at}.peer.port`);
  return Object.freeze({
    id,
    kind,
    callingAet,
    peer: Object.freeze({ aet: peer.aet, host: peer.host, port: peer.port }),
    ...pushBack,
  });
}

function dicomWebAuth(auth: unknown, at: string): NonNullable<Extract<PacsSourceConfig, { kind: 'dicomweb' }>['auth']> {
  const expected = '{ kind: "basic", username, password } or { kind: "bearer", token }';
  if (!isObject(auth)) throw new Misfit(expected, 'another value', at);
  if (auth.kind === 'basic' && typeof auth.username === 'string' && typeof auth.password === 'string')
    return Object.freeze({ kind: 'basic', username: auth.username, password: auth.password });
  if (auth.kind === 'bearer' && typeof auth.token === 'string')
    return Object.freeze({ kind: 'bearer', token: auth.token });
  throw new Misfit(expected, `kind ${show(auth.kind)} with keys ${Object.keys(auth).join(', ')}`, at);
}

function isAet(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0 && v.length <= 16 && !v.includes('\\');
}
