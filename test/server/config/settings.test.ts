import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  loadCliConfig,
  loadServerConfig,
  loadWorkerConfig,
  prepareDataDir,
  readEnvironment,
  SETTINGS,
} from '../../../server/index.js';

const TOKEN = 'settings-test-token-0123456789';
const configError = (field: string, message: RegExp) =>
  expect.objectContaining({
    code: 'SRV_ERR_CONFIG',
    message: expect.stringMatching(message),
    details: expect.objectContaining({ field }),
  });

/** The one configuration schema (server/config): every source of a value, every bad value, and no file writes. */
describe('configuration schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the environment once: only the variables SETTINGS names, an empty one as unset, frozen', () => {
    const env = readEnvironment({ GSDIFF_PORT: '9000', GSDIFF_DIST: '/x', GSDIFF_HOST: '', PATH: '/bin' });
    expect(env).toEqual({ GSDIFF_PORT: '9000', GSDIFF_HOST: '' });
    expect(Object.isFrozen(env)).toBe(true);
    expect(loadServerConfig({ data: dir }, env).host).toBe('127.0.0.1');
  });

  it.each([
    ['GSDIFF_PORT', 'abc', /^GSDIFF_PORT: expected an integer 0\.\.65535, got "abc"$/],
    ['GSDIFF_MAX_BODY', '0', /^GSDIFF_MAX_BODY: expected an integer >= 1, got "0"$/],
    ['GSDIFF_CPU_JOBS', '1.5', /^GSDIFF_CPU_JOBS: expected an integer >= 1, got "1.5"$/],
    ['GSDIFF_DEVICE', 'tpu', /^GSDIFF_DEVICE: expected auto \| cpu \| webgpu \| cuda, got "tpu"$/],
    ['GSDIFF_DEMO', 'no', /^GSDIFF_DEMO: expected 0 or 1, got "no"$/],
    ['GSDIFF_LOG_LEVEL', 'loud', /^GSDIFF_LOG_LEVEL: expected fatal \| .* \| silent, got "loud"$/],
    ['GSDIFF_SERVER', 'ftp://h', /^GSDIFF_SERVER: expected http\(s\):\/\/host:port, got "ftp:\/\/h"$/],
    ['GSDIFF_TOKEN_EXPIRES', 'tomorrow', /^GSDIFF_TOKEN_EXPIRES: expected an ISO 8601 instant .*, got "tomorrow"$/],
    ['GSDIFF_QUEUE', 'redis://:pw@h:1/x', /^GSDIFF_QUEUE: expected a database number as the path, got \/x$/],
  ])('refuses %s=%s at start-up, naming the variable, the value and what was expected', (name, value, message) => {
    expect(() => readEnvironment({ [name]: value })).toThrow(configError(name, message));
  });

  it('never echoes a secret: a short token is reported by its length, a queue password redacted', () => {
    expect(() => readEnvironment({ GSDIFF_TOKEN: 'secret-x' })).toThrow(
      configError('GSDIFF_TOKEN', /^GSDIFF_TOKEN: expected at least 16 characters, got 8 characters$/),
    );
    expect(() => readEnvironment({ GSDIFF_QUEUE: 'http://:hunter2@h:1' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });

  it('checks CORS origins one by one: a path or trailing slash would never match an Origin header', () => {
    const ok = loadServerConfig({ data: dir }, { GSDIFF_CORS_ORIGINS: 'http://a.example, https://b.example:8443' });
    expect(ok.corsOrigins).toEqual(['http://a.example', 'https://b.example:8443']);
    expect(() => readEnvironment({ GSDIFF_CORS_ORIGINS: 'http://a.example,http://b.example/' })).toThrow(
      configError('GSDIFF_CORS_ORIGINS[1]', /got "http:\/\/b\.example\/"/),
    );
  });

  it('reads GSDIFF_SOURCES into typed, frozen entries and names the entry and key of a bad one', () => {
    const sources = [
      { id: 'web', kind: 'dicomweb', baseUrl: 'http://pacs:8042/dicom-web', auth: { kind: 'bearer', token: 't' } },
      {
        id: 'dimse',
        kind: 'dimse',
        callingAet: 'GSDIFF',
        peer: { aet: 'ORTHANC', host: 'pacs', port: 4242 },
        pushBack: true,
      },
    ];
    const c = loadServerConfig({ data: dir }, { GSDIFF_SOURCES: JSON.stringify(sources) });
    expect(c.sources).toEqual(sources);
    expect(Object.isFrozen(c.sources[1])).toBe(true);
    const bad = (entry: unknown) => (): unknown => readEnvironment({ GSDIFF_SOURCES: JSON.stringify([entry]) });
    expect(() => readEnvironment({ GSDIFF_SOURCES: '[{' })).toThrow(configError('GSDIFF_SOURCES', /not JSON/));
    expect(() => readEnvironment({ GSDIFF_SOURCES: '{}' })).toThrow(configError('GSDIFF_SOURCES', /JSON array/));
    expect(bad({ id: 'p', kind: 'dicomweb' })).toThrow(configError('GSDIFF_SOURCES[0].baseUrl', /http\(s\) URL/));
    expect(bad({ id: 'p', kind: 'wado' })).toThrow(configError('GSDIFF_SOURCES[0].kind', /dicomweb \| dimse/));
    expect(bad({ id: 'local', kind: 'dicomweb', baseUrl: 'http://h' })).toThrow(
      configError('GSDIFF_SOURCES[0].id', /reserved/),
    );
    expect(bad({ id: 'p', kind: 'dicomweb', baseUrl: 'http://h', pushback: true })).toThrow(
      configError('GSDIFF_SOURCES[0]', /got key "pushback"/),
    );
    expect(bad({ ...sources[1], peer: { aet: 'ORTHANC', host: 'pacs', port: '4242' } })).toThrow(
      configError('GSDIFF_SOURCES[0].peer.port', /integer 1\.\.65535/),
    );
    const leaky = {
      id: 'p',
      kind: 'dicomweb',
      baseUrl: 'http://h',
      auth: { kind: 'basic', user: 'u', password: 'pw-42' },
    };
    expect(bad(leaky)).toThrow(configError('GSDIFF_SOURCES[0].auth', /kind "basic"/));
    expect(bad(leaky)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('pw-42') }));
    const twice = JSON.stringify([sources[0], sources[0]]);
    expect(() => readEnvironment({ GSDIFF_SOURCES: twice })).toThrow(configError('GSDIFF_SOURCES[1].id', /once/));
  });

  it('takes a flag over its variable over the default, and names the flag when the flag is bad', () => {
    expect(loadServerConfig({ data: dir }, { GSDIFF_PORT: '9001' }).port).toBe(9001);
    expect(loadServerConfig({ data: dir, port: 9002 }, { GSDIFF_PORT: '9001' }).port).toBe(9002);
    expect(loadServerConfig({ data: dir }, {}).port).toBe(SETTINGS.port.default);
    expect(() => loadServerConfig({ data: dir, port: 70000 }, {})).toThrow(configError('--port', /got 70000$/));
    expect(loadServerConfig({ data: dir }, { GSDIFF_DEMO: '0' }).demoWhenEmpty).toBe(false);
    expect(loadServerConfig({ data: dir, demo: false }, { GSDIFF_DEMO: '1' }).demoWhenEmpty).toBe(false);
    expect(loadCliConfig({ store: join(dir, 's') }, { GSDIFF_STORE: '/elsewhere' }).storeDir).toBe(join(dir, 's'));
    expect(loadCliConfig({}, { GSDIFF_STORE: '/elsewhere' }).storeDir).toBe('/elsewhere');
  });

  it('has one default pack for serve, worker and the CLI, which GSDIFF_PACK replaces for all three', () => {
    const root = join(dir, 'repo');
    const worker = { data: join(dir, 'w'), queue: 'redis://h:1' };
    const def = SETTINGS.packDir.default as string;
    expect(def).toBe('models/packs/gsdiff-t');
    expect(loadServerConfig({ data: dir }, {}, root).packDir).toBe(resolve(root, def));
    expect(loadWorkerConfig(worker, { GSDIFF_TOKEN: TOKEN }, root).packDir).toBe(resolve(root, def));
    expect(loadCliConfig({}, {}).packDir).toBe(def);
    const env = { GSDIFF_TOKEN: TOKEN, GSDIFF_PACK: '/packs/p' };
    expect(loadServerConfig({ data: dir }, env, root).packDir).toBe('/packs/p');
    expect(loadWorkerConfig(worker, env, root).packDir).toBe('/packs/p');
    expect(loadCliConfig({}, env).packDir).toBe('/packs/p');
  });

  it('loads without writing a file; prepareDataDir (start-up) makes the folder and saves a generated token', () => {
    const data = join(dir, 'fresh', 'data');
    const c = loadServerConfig({ data }, {});
    expect(c.tokenGenerated).toBe(true);
    loadWorkerConfig({ data: join(dir, 'fresh', 'scratch'), queue: 'redis://h:1' }, { GSDIFF_TOKEN: TOKEN });
    expect(existsSync(join(dir, 'fresh'))).toBe(false);
    prepareDataDir(c);
    expect(readFileSync(join(data, 'token'), 'utf8')).toBe(`${c.token}\n`);
    expect(statSync(join(data, 'token')).mode & 0o777).toBe(0o600);
    const again = loadServerConfig({ data }, {});
    expect(again).toMatchObject({ token: c.token, tokenGenerated: false });
  });

  it('freezes what it returns', () => {
    const c = loadServerConfig({ data: dir }, { GSDIFF_TOKEN: TOKEN });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.corsOrigins)).toBe(true);
    expect(Object.isFrozen(loadCliConfig({}, {}))).toBe(true);
    expect(Object.isFrozen(SETTINGS)).toBe(true);
  });

  it('every variable of the schema is documented in docs/DEPLOYMENT.md', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'DEPLOYMENT.md'), 'utf8');
    const missing = Object.values(SETTINGS)
      .map((s: { env?: string }) => s.env)
      .filter((name): name is string => name !== undefined && !doc.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
