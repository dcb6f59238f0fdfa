import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { LocalStore } from '../../pacs-adapters/index.js';
import { startOrthanc, type RunningOrthanc } from '../helpers/orthanc.js';
import { ctSeries, removeDir } from '../server/jobs/fixtures.js';
import { linesWithPhi } from './serverHarness.js';

/** The child runs the built server: `npm test` builds dist/ before jest; GSDIFF_DIST points elsewhere if needed. */
const DIST = process.env.GSDIFF_DIST ?? join(process.cwd(), 'dist');
const READY = existsSync(join(DIST, 'server/index.js'));
const WORKER = join(process.cwd(), 'test/hardening/serverWorker.mjs');
/** CI runs 4 kill points (one per stage); the full run is GSDIFF_CRASH_POINTS=20 (docs/RELIABILITY.md). */
const POINTS = Number(process.env.GSDIFF_CRASH_POINTS ?? 4);
const SEED = Number(process.env.GSDIFF_CRASH_SEED ?? 20261201);
const SLICES = 16;
const TOKEN = 'crash-anywhere-token-0123456789';
const STAGES = ['pull', 'restore', 'publish', 'pushBack'] as const;
/** Upper bound of the random delay after a stage starts, ms: about the stage's length here, so kills land inside. */
const MAX_DELAY = { pull: 120, restore: 40, publish: 30, pushBack: 50 } as const;

if (!READY) console.warn(`crashAnywhere.test: SKIPPED: ${join(DIST, 'server/index.js')} is missing; run npm run build`);

interface KillPoint {
  readonly n: number;
  readonly stage: (typeof STAGES)[number];
  /** restore: kill after this many frames reached disk. */
  readonly frame: number;
  readonly delayMs: number;
}

/** Seeded kill points, cycling through the stages so each gets its share (mulberry32). */
function killPoints(count: number, seed: number): KillPoint[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, (_, n) => {
    const stage = STAGES[n % STAGES.length];
    return { n, stage, frame: 1 + Math.floor(rand() * (SLICES - 1)), delayMs: Math.round(rand() * MAX_DELAY[stage]) };
  });
}

interface Run {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: AsyncIterator<Record<string, unknown>>;
  readonly logs: string[];
  readonly exited: Promise<NodeJS.Signals | number | null>;
}

function startWorker(dataDir: string, sources: string, args: string[], logs: string[]): Run {
  const child = spawn(process.execPath, [WORKER, DIST, dataDir, sources, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stderr.on('data', (d: Buffer) => logs.push(...d.toString().split('\n').filter(Boolean)));
  const exited = new Promise<NodeJS.Signals | number | null>((r) => child.on('exit', (c, sig) => r(sig ?? c)));
  async function* lines(): AsyncGenerator<Record<string, unknown>> {
    for await (const l of createInterface({ input: child.stdout })) {
      if (l.startsWith('{')) yield JSON.parse(l) as Record<string, unknown>;
    }
  }
  return { child, events: lines(), logs, exited };
}

interface JobRow {
  readonly state: string;
  readonly stage: string | null;
  readonly attempts: number;
  readonly published_at: string | null;
}

function jobDerived(dataDir: string, id: string): string | undefined {
  const db = new Database(join(dataDir, 'jobs.sqlite'), { readonly: true });
  try {
    return (
      db
        .prepare<[string], { derived_series_uid: string | null }>('SELECT derived_series_uid FROM jobs WHERE id = ?')
        .get(id)?.derived_series_uid ?? undefined
    );
  } finally {
    db.close();
  }
}

/** The job as the database holds it right after the kill (what recovery will start from). */
function jobRow(dataDir: string, id: string): JobRow | undefined {
  const db = new Database(join(dataDir, 'jobs.sqlite'), { readonly: true });
  try {
    return db.prepare<[string], JobRow>('SELECT state, stage, attempts, published_at FROM jobs WHERE id = ?').get(id);
  } finally {
    db.close();
  }
}

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The published files of a series in the store (`objects/<study>/<series>/`): name -> inode, mtime and hash. */
function snapshotSeries(dataDir: string, study: string, series: string): Record<string, string> {
  const dir = join(dataDir, 'store', 'objects', study, series);
  if (!series || !existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => {
        const st = statSync(join(dir, f));
        return [f, `${st.ino}:${st.mtimeMs}:${sha(readFileSync(join(dir, f)))}`];
      }),
  );
}
const ENDED = new Set(['done', 'failed', 'cancelled']);

(READY ? describe : describe.skip)(`crash anywhere: SIGKILL of the server at ${POINTS} points of a PACS job`, () => {
  let orthanc: RunningOrthanc;
  let sources = '';
  const logs: string[] = [];
  const outcomes: string[] = [];

  beforeAll(async () => {
    orthanc = await startOrthanc();
    sources = JSON.stringify([
      {
        id: 'pacs',
        kind: 'dicomweb',
        baseUrl: orthanc.dicomWebUrl,
        auth: { kind: 'basic', username: orthanc.username, password: orthanc.password },
        pushBack: true,
      },
    ]);
  }, 60_000);
  afterAll(async () => {
    console.log(`crash anywhere (seed ${SEED}):\n${outcomes.join('\n')}`);
    await orthanc?.stop();
  });

  const orthancFile = async (id: string): Promise<Uint8Array> => {
    const res = await fetch(`${orthanc.httpUrl}/instances/${id}/file`, {
      headers: { authorization: orthanc.authHeader },
    });
    return new Uint8Array(await res.arrayBuffer());
  };

  it.each(killPoints(POINTS, SEED).map((k) => [`#${k.n} ${k.stage}`, k] as const))(
    'killed in %s: restarts, the job ends done once, originals byte-identical, nothing half-published',
    async (_name, kp) => {
      const s = ctSeries(SLICES);
      const uploaded = new Map<string, string>();
      for (const b of s.instances) uploaded.set(await orthanc.upload(b), sha(b));
      const studyId = (await orthanc.rest<{ ID: string }>(`/instances/${[...uploaded.keys()][0]}/study`)).ID;
      const dataDir = mkdtempSync(join(tmpdir(), 'gsdiff-crash-anywhere-'));
      try {
        // 1. Run until the kill point, then SIGKILL.
        const first = startWorker(dataDir, sources, ['submit', s.study, s.series], logs);
        let jobId = '';
        let last = '';
        let killTimer: NodeJS.Timeout | undefined;
        const kill = (): void => {
          killTimer ??= setTimeout(() => first.child.kill('SIGKILL'), kp.delayMs);
        };
        for (let r = await first.events.next(); !r.done; r = await first.events.next()) {
          const ev = r.value;
          if (ev.type === 'ready') jobId = ev.id as string;
          else
            last =
              ev.type === 'frame'
                ? `restore frame ${String(ev.done)}/${String(ev.total)}`
                : `${String(ev.stage ?? ev.state)}`;
          const hit =
            kp.stage === 'restore'
              ? ev.type === 'frame' && (ev.done as number) >= kp.frame
              : ev.type === 'job' && (ev.stage === kp.stage || (ev.state !== 'running' && ev.state !== 'queued'));
          if (hit) kill();
        }
        const how = await first.exited;
        expect(how).toBe('SIGKILL');
        const atKill = jobRow(dataDir, jobId);
        expect(atKill).toBeDefined();
        const derivedAtKill = atKill?.published_at
          ? snapshotSeries(dataDir, s.study, jobDerived(dataDir, jobId) ?? '')
          : undefined;

        // 2. Restart on the same data folder; recovery runs in startServer; wait for the job to end.
        const second = startWorker(dataDir, sources, ['watch', jobId], logs);
        let url = '';
        const stagesAfter = new Set<string>();
        for (let r = await second.events.next(); !r.done; r = await second.events.next()) {
          if (r.value.type === 'ready') url = r.value.url as string;
          else if (r.value.type === 'job' && typeof r.value.stage === 'string') stagesAfter.add(r.value.stage);
          if (r.value.type === 'job' && ENDED.has(r.value.state as string)) break;
        }
        const job = (await (
          await fetch(`${url}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${TOKEN}` } })
        ).json()) as {
          state: string;
          attempts: number;
          derivedSeriesInstanceUid?: string;
          pushBack?: { state: string; stored: number };
          error?: { code: string };
        };
        second.child.kill('SIGTERM');
        await second.exited;
        outcomes.push(
          `#${kp.n} ${kp.stage} (+${kp.delayMs} ms${kp.stage === 'restore' ? `, frame ${kp.frame}` : ''}): last event "${last}", db ${atKill?.state}/${atKill?.stage ?? '-'}${atKill?.published_at ? ' published' : ''} -> stages after restart [${[...stagesAfter].join(', ')}], ${job.state}, attempts ${job.attempts}, push-back ${job.pushBack?.state ?? '-'}${job.error ? `, ${job.error.code}` : ''}`,
        );

        // 3. The job finished exactly once, locally and in the PACS.
        expect(job.state).toBe('done');
        expect(job.pushBack?.state).toBe('done');
        // Published before the kill: resumed at push-back only; the published files are the very same (inode, mtime,
        // bytes), so the series was never restored or published again.
        if (derivedAtKill) {
          expect(Object.keys(derivedAtKill)).toHaveLength(SLICES);
          expect(snapshotSeries(dataDir, s.study, job.derivedSeriesInstanceUid ?? '')).toEqual(derivedAtKill);
          expect([...stagesAfter].filter((x) => x !== 'pushBack')).toEqual([]);
        }
        const store = await LocalStore.open(join(dataDir, 'store'));
        try {
          const local = store.listSeries(s.study);
          expect(local.map((x) => [x.seriesInstanceUid, x.numberOfInstances])).toEqual([
            [job.derivedSeriesInstanceUid, SLICES],
          ]);
          expect(readdirSync(join(store.root, 'tmp'))).toEqual([]);
        } finally {
          await store.close();
        }
        expect(existsSync(join(dataDir, 'jobs', jobId, 'input'))).toBe(false);
        const study = await orthanc.rest<{ Series: string[] }>(`/studies/${studyId}`);
        const inPacs = await Promise.all(
          study.Series.map((id) =>
            orthanc.rest<{ MainDicomTags: { SeriesInstanceUID: string }; Instances: string[] }>(`/series/${id}`),
          ),
        );
        expect(inPacs.map((x) => [x.MainDicomTags.SeriesInstanceUID, x.Instances.length]).sort()).toEqual(
          [
            [s.series, SLICES],
            [job.derivedSeriesInstanceUid, SLICES],
          ].sort(),
        );
        // 4. The originals in the PACS are byte-identical.
        for (const [id, digest] of uploaded) expect(sha(await orthancFile(id))).toBe(digest);
      } finally {
        removeDir(dataDir);
      }
    },
    120_000,
  );

  it("wrote no patient name or ID to the servers' logs", () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(linesWithPhi(logs, ['TEST^JOBS', 'JOBTEST'])).toEqual([]);
  });
});
