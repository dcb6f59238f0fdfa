import { readdirSync } from 'node:fs';
import WebSocket from 'ws';
import { enumerateRoutes, fillPath, type RouteEntry } from './routes.js';
import {
  linesWithPhi,
  phiOf,
  startHarness,
  storeSyntheticSeries,
  SYNTHETIC_PATIENT,
  type Harness,
} from './serverHarness.js';
import { sharedPath } from '../helpers/sharedData.js';

const TOKEN = 'sweep-token-0123456789abcdef';
const EXPIRING = 'expiring-token-0123456789abcdef';
const WRONG = 'wrong-token-0123456789abcdefgh';
/** Real files imported into the store: their patient name, ID and birth date must never reach a log line. */
const REAL = [
  ...readdirSync(sharedPath('ct-human-chest-cmb-crc'))
    .filter((f) => f.endsWith('.dcm'))
    .sort()
    .slice(0, 2)
    .map((f) => sharedPath('ct-human-chest-cmb-crc', f)),
  sharedPath('ct-wg04-compressed', 'CT1_UNC'),
  sharedPath('ct-wg04-compressed', 'CT2_UNC'),
  sharedPath('endoscopy-wg04-vl', 'VL1_UNC'),
];

type Credential = 'none' | 'wrong' | 'wrong-query' | 'expired' | 'valid';

function headersFor(c: Credential, valid: string): Record<string, string> {
  if (c === 'valid' || c === 'expired') return { authorization: `Bearer ${valid}` };
  if (c === 'wrong') return { authorization: `Bearer ${WRONG}` };
  return {};
}

/** Sends one request for a route; POST bodies are plausible so a 401 can only come from the token check. */
async function hit(
  h: Harness,
  r: RouteEntry,
  path: string,
  c: Credential,
  valid: string,
  params: Readonly<Record<string, string>>,
): Promise<Response> {
  const query = c === 'wrong-query' ? `?token=${WRONG}` : '';
  const post = r.method === 'POST' || r.method === 'PUT';
  const body = path.startsWith('/api')
    ? JSON.stringify({ studyInstanceUid: params.study, seriesInstanceUid: params.series, task: 'denoise', steps: 1 })
    : 'x';
  return fetch(`${h.url}${path}${query}`, {
    method: r.method === 'STATIC' ? 'GET' : r.method,
    headers: {
      ...headersFor(c, valid),
      ...(post ? { 'content-type': path.startsWith('/api') ? 'application/json' : 'application/dicom' } : {}),
    },
    body: post ? body : undefined,
  });
}

/** Opens the job websocket; resolves with the HTTP status of a refused upgrade, or 101 once it opened. */
function upgrade(h: Harness, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${h.url.replace('http', 'ws')}${path}`, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (e) => reject(e));
  });
}

/**
 * Every route the app registers (enumerated from Express, not listed here), the job websocket and the DICOMweb
 * paths, without a token, with a wrong one (header and query) and with an expired one: only /healthz answers.
 * A valid token reaches every route (no 401), so the refusals come from the token check. Every log line of the
 * suite (pino at debug level and audit.log) is then scanned for the patients' names, IDs and birth dates.
 */
describe('auth sweep and PHI scan over the whole server', () => {
  let h: Harness;
  let exp: Harness;
  let routes: RouteEntry[];
  let params: Record<string, string>;
  let expiresAt = 0;
  const phi = [...phiOf(REAL), SYNTHETIC_PATIENT.name, SYNTHETIC_PATIENT.id];

  beforeAll(async () => {
    h = await startHarness(TOKEN);
    for (const f of REAL) await h.running.store.importPath(f);
    const s = await storeSyntheticSeries(h.running);
    const job = await fetch(`${h.url}/api/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ studyInstanceUid: s.study, seriesInstanceUid: s.series, task: 'denoise', steps: 1 }),
    });
    expect(job.status).toBe(201);
    const { id } = (await job.json()) as { id: string };
    params = {
      study: s.study,
      series: s.series,
      instance: s.sops[0],
      frames: '1',
      tag: '7fe00010',
      id,
      source: 'local',
    };
    routes = enumerateRoutes(h.app);
    // The expiring server: its token is good for a few seconds, then every route must refuse it.
    expiresAt = Date.now() + 4000;
    exp = await startHarness(EXPIRING, { GSDIFF_TOKEN_EXPIRES: new Date(expiresAt).toISOString() });
    await storeSyntheticSeries(exp.running, 2);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
    await exp?.close();
  });

  it('enumerates the API, job and DICOMweb routes from the app itself', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    console.log(`auth sweep: ${routes.length} routes\n${keys.join('\n')}`);
    for (const k of [
      'GET /healthz',
      'GET /api/sources',
      'POST /api/jobs',
      'GET /api/jobs/:id',
      'DELETE /api/jobs/:id',
      'GET /dicom-web/studies',
      'POST /dicom-web/studies',
      'GET /dicom-web/studies/:study/series/:series/instances/:instance/frames/:frames',
    ]) {
      expect(keys).toContain(k);
    }
    expect(routes.length).toBeGreaterThanOrEqual(20);
  });

  it('answers the expiring token before its expiry (so the later refusals are the expiry)', async () => {
    expect(Date.now()).toBeLessThan(expiresAt);
    const res = await fetch(`${exp.url}/api/jobs`, { headers: { authorization: `Bearer ${EXPIRING}` } });
    expect(res.status).toBe(200);
  });

  it('refuses every route but /healthz without a token, with a wrong one and with an expired one', async () => {
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now() + 50)));
    const leaks: string[] = [];
    let requests = 0;
    for (const r of routes) {
      const path = fillPath(r.path, params);
      const open = r.path === '/healthz';
      for (const c of ['none', 'wrong', 'wrong-query', 'expired'] as const) {
        const target = c === 'expired' ? exp : h;
        const res = await hit(target, r, path, c, c === 'expired' ? EXPIRING : TOKEN, params);
        requests++;
        const text = await res.text();
        if (open) {
          if (res.status !== 200) leaks.push(`${r.method} ${path} (${c}): /healthz answered ${res.status}`);
          continue;
        }
        if (r.method === 'STATIC') {
          // The built viewer's own files (no patient data) load before the user has a token; nothing else may.
          if (res.status === 200 && !/<html|^\/\//i.test(text)) leaks.push(`${path} (${c}): static answered data`);
          continue;
        }
        const code = (JSON.parse(text || '{}') as { code?: string }).code;
        if (res.status !== 401 || code !== 'SRV_ERR_UNAUTHORIZED') {
          leaks.push(`${r.method} ${path} (${c}): ${res.status} ${text.slice(0, 120)}`);
        }
        if (c === 'expired' && !/expired/.test(text)) leaks.push(`${r.method} ${path}: 401 does not say "expired"`);
      }
    }
    console.log(`auth sweep: ${routes.length} routes x 4 credentials = ${requests} requests`);
    expect(leaks).toEqual([]);
  });

  it('lets a valid token through on every route (the 401s above are the token check, not missing routes)', async () => {
    const refused: string[] = [];
    for (const r of routes.filter((x) => x.method !== 'STATIC')) {
      const res = await hit(h, r, fillPath(r.path, params), 'valid', TOKEN, params);
      await res.arrayBuffer();
      if (res.status === 401 || res.status === 404) refused.push(`${r.method} ${r.path}: ${res.status}`);
    }
    // DELETE of a finished job is 409 and a bare 'x' STOW body 415: both past the token, which is what counts.
    expect(refused).toEqual([]);
  });

  it('refuses the job websocket upgrade without, with a wrong and with an expired token; opens with the right one', async () => {
    const path = `/ws/jobs/${params.id}?from=0`;
    expect(await upgrade(h, path, {})).toBe(401);
    expect(await upgrade(h, path, { authorization: `Bearer ${WRONG}` })).toBe(401);
    expect(await upgrade(h, `${path}&token=${WRONG}`, {})).toBe(401);
    expect(await upgrade(exp, path, { authorization: `Bearer ${EXPIRING}` })).toBe(401);
    expect(await upgrade(h, path, { authorization: `Bearer ${TOKEN}` })).toBe(101);
  });

  it('audits the refusals, without the token', () => {
    const denied = h.allLogLines().filter((l) => l.includes('"auth.denied"'));
    expect(denied.length).toBeGreaterThan(routes.length);
    expect(denied.filter((l) => l.includes(WRONG) || l.includes(TOKEN))).toEqual([]);
    expect(exp.allLogLines().some((l) => l.includes('expired token'))).toBe(true);
  });

  it('writes no patient name, ID or birth date to any log line, even when queried by them', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const v of phi) {
      for (const key of ['PatientName', 'PatientID', 'PatientBirthDate']) {
        for (const [hdr, q] of [
          [auth, `/dicom-web/studies?${key}=${encodeURIComponent(v)}`],
          [{}, `/dicom-web/studies?${key}=${encodeURIComponent(v)}`],
          [auth, `/dicom-web/studies?${key}=${encodeURIComponent(v)}&limit=-1`],
          [auth, `/dicom-web/series?${key}=${encodeURIComponent(v)}&includefield=bogus%00`],
        ] as const) {
          await (await fetch(`${h.url}${q}`, { headers: hdr })).arrayBuffer();
        }
      }
    }
    for (const s of h.running.store.listStudies()) {
      await (await fetch(`${h.url}/dicom-web/studies/${s.studyInstanceUid}/metadata`, { headers: auth })).arrayBuffer();
    }
    // Every job of the suite (the first was cancelled by the DELETE sweep, the POST sweep queued another) runs out,
    // so the runner's log lines are in the scan too.
    const deadline = Date.now() + 60_000;
    let states: string[] = [];
    while (Date.now() < deadline) {
      const list = (await (await fetch(`${h.url}/api/jobs`, { headers: auth })).json()) as {
        jobs: { state: string }[];
      };
      states = list.jobs.map((j) => j.state);
      if (!states.some((x) => x === 'queued' || x === 'running')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(states).toContain('done');
    const lines = [...h.allLogLines(), ...exp.allLogLines()];
    console.log(`PHI scan: ${lines.length} log lines, ${phi.length} values (${phi.length} from headers)`);
    expect(lines.length).toBeGreaterThan(50);
    expect(phi.length).toBeGreaterThanOrEqual(4);
    expect(linesWithPhi(lines, phi)).toEqual([]);
  });
});
