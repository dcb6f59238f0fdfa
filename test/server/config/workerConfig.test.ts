import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerConfig, loadWorkerConfig } from '../../../server/index.js';
import { redactUrl } from '../../../server/jobs/index.js';

const TOKEN = 'worker-config-token-0123456789';

describe('queue configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-wcfg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serve: --queue must be a redis:// URL; unset keeps the embedded queue', () => {
    const base = { data: join(dir, 'srv'), demo: false };
    expect(loadServerConfig(base, { GSDIFF_TOKEN: TOKEN }).queueUrl).toBeUndefined();
    expect(loadServerConfig({ ...base, queue: 'redis://10.0.0.5:6379/2' }, { GSDIFF_TOKEN: TOKEN }).queueUrl).toBe(
      'redis://10.0.0.5:6379/2',
    );
    expect(loadServerConfig(base, { GSDIFF_TOKEN: TOKEN, GSDIFF_QUEUE: 'rediss://h:6380' }).queueUrl).toBe(
      'rediss://h:6380',
    );
    expect(() => loadServerConfig({ ...base, queue: 'http://h:6379' }, { GSDIFF_TOKEN: TOKEN })).toThrow(
      expect.objectContaining({ code: 'SRV_ERR_CONFIG', message: expect.stringContaining('--queue') }),
    );
    expect(() => loadServerConfig({ ...base, queue: 'redis://h:6379/x' }, { GSDIFF_TOKEN: TOKEN })).toThrow(
      /database number/,
    );
  });

  it('worker: needs a queue and the server token; reads the token file; checks device and concurrency', () => {
    const data = join(dir, 'w');
    expect(() => loadWorkerConfig({ data }, { GSDIFF_TOKEN: TOKEN })).toThrow(
      expect.objectContaining({ code: 'SRV_ERR_CONFIG', message: expect.stringContaining('GSDIFF_QUEUE') }),
    );
    expect(() => loadWorkerConfig({ data, queue: 'redis://h:1' }, {})).toThrow(/token/);
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const c = loadWorkerConfig(
      { data, queue: 'redis://h:1', tokenFile, device: 'cpu', concurrency: 2, server: 'http://10.0.0.2:8470/' },
      {},
    );
    expect(c).toMatchObject({ token: TOKEN, device: 'cpu', concurrency: 2, serverUrl: 'http://10.0.0.2:8470' });
    expect(c.graceMs).toBe(30_000);
    expect(() => loadWorkerConfig({ data, queue: 'redis://h:1', device: 'tpu' }, { GSDIFF_TOKEN: TOKEN })).toThrow(
      /--device/,
    );
    expect(() => loadWorkerConfig({ data, queue: 'redis://h:1', concurrency: 0 }, { GSDIFF_TOKEN: TOKEN })).toThrow(
      /--concurrency/,
    );
  });

  it('never shows a Redis password', () => {
    expect(redactUrl('redis://:secret@10.0.0.5:6379/0')).toBe('redis://***@10.0.0.5:6379/0');
    expect(redactUrl('redis://user:secret@h:1')).toBe('redis://***@h:1');
    expect(redactUrl('redis://h:1')).toBe('redis://h:1');
  });
});
