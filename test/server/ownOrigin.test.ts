import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../common/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/index.js';

/**
 * What viewer/README.md says about CORS: the viewer served by the server needs no GSDIFF_CORS_ORIGINS (the server
 * accepts its own origin); another origin is refused unless listed.
 */
describe('CORS: the server accepts its own origin without configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gsdiff-origin-'));
  const token = 'test-token-0123456789abcdef';
  let running: RunningServer;

  beforeAll(async () => {
    const config = loadServerConfig({ data: dir, port: 0, demo: false, device: 'cpu' }, { GSDIFF_TOKEN: token });
    running = await startServer(config, { logger: createLogger('silent'), version: 'test' });
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a request from its own origin, and refuses a foreign one', async () => {
    const own = await fetch(`${running.url}/api/sources`, {
      headers: { authorization: `Bearer ${token}`, origin: running.url },
    });
    expect(own.status).toBe(200);
    const foreign = await fetch(`${running.url}/api/sources`, {
      headers: { authorization: `Bearer ${token}`, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: 'SRV_ERR_FORBIDDEN_ORIGIN' });
  });
});
