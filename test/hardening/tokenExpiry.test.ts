import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkToken } from '../../server/http/auth.js';
import { loadServerConfig } from '../../server/index.js';

/** Expiring tokens: where the expiry comes from, how it is validated, and what a request with each token gets. */
describe('access token expiry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-token-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads an "expires" line from the token file', () => {
    writeFileSync(join(dir, 'token'), 'file-token-0123456789abcdef\nexpires 2027-01-31T00:00:00Z\n');
    const c = loadServerConfig({ data: dir }, {});
    expect(c.token).toBe('file-token-0123456789abcdef');
    expect(c.tokenExpiresAt).toBe(Date.parse('2027-01-31T00:00:00Z'));
  });

  it('keeps a plain token file non-expiring, and takes GSDIFF_TOKEN_EXPIRES with GSDIFF_TOKEN', () => {
    writeFileSync(join(dir, 'token'), 'file-token-0123456789abcdef\n');
    expect(loadServerConfig({ data: dir }, {}).tokenExpiresAt).toBeUndefined();
    const c = loadServerConfig(
      { data: dir },
      { GSDIFF_TOKEN: 'env-token-0123456789abcdef', GSDIFF_TOKEN_EXPIRES: '2026-12-01T10:00:00.000Z' },
    );
    expect(c.tokenExpiresAt).toBe(Date.parse('2026-12-01T10:00:00.000Z'));
  });

  it('refuses an expiry that is not an ISO 8601 instant, naming the setting', () => {
    expect(() =>
      loadServerConfig({ data: dir }, { GSDIFF_TOKEN: 'env-token-0123456789abcdef', GSDIFF_TOKEN_EXPIRES: 'tomorrow' }),
    ).toThrow(
      expect.objectContaining({
        code: 'SRV_ERR_CONFIG',
        details: expect.objectContaining({ field: expect.stringContaining('GSDIFF_TOKEN_EXPIRES') }),
      }),
    );
  });

  it('tells missing, wrong, expired and current tokens apart (expiry only to holders of the right token)', () => {
    const token = { value: 'right-token-0123456789', expiresAt: 1000 };
    expect(checkToken(undefined, token, 0)).toBe('missing');
    expect(checkToken('wrong-token-0123456789', token, 0)).toBe('wrong');
    expect(checkToken('wrong-token-0123456789', token, 5000)).toBe('wrong');
    expect(checkToken('right-token-0123456789', token, 999)).toBe('ok');
    expect(checkToken('right-token-0123456789', token, 1000)).toBe('expired');
    expect(checkToken('right-token-0123456789', { value: 'right-token-0123456789' }, 1e15)).toBe('ok');
  });
});
