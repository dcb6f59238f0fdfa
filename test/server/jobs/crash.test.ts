import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { LocalStore } from '../../../pacs-adapters/index.js';
import { ctSeries, ended, openEnv, PACK, removeDir, waitFor, type SyntheticSeries } from './fixtures.js';

/** The child runs built code: `npm test` builds dist/ before jest; GSDIFF_DIST points elsewhere if needed. */
const DIST = process.env.GSDIFF_DIST ?? join(process.cwd(), 'dist');
const READY = existsSync(join(DIST, 'server/jobs/index.js'));
const WORKER = join(process.cwd(), 'test/server/jobs/jobWorker.mjs');
const SLICES = 12;

if (!READY) {
  console.warn(`crash.test: SKIPPED: ${join(DIST, 'server/jobs/index.js')} is missing; run \`npm run build\` first`);
}

interface Killed {
  readonly jobId: string;
  readonly lastEvent: string;
  readonly stateAtKill: string;
}

/** Runs the worker on `dataDir` and SIGKILLs it once `when` matches an event line. */
async function runAndKill(
  dataDir: string,
  s: SyntheticSeries,
  when: (ev: Record<string, unknown>) => boolean,
): Promise<Killed> {
  const child = spawn(process.execPath, [WORKER, DIST, dataDir, PACK, s.study, s.series], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  let jobId = '';
  let lastEvent = '';
  for await (const line of createInterface({ input: child.stdout })) {
    const ev = JSON.parse(line) as Record<string, unknown>;
    if (ev.type === 'submitted') jobId = ev.id as string;
    lastEvent = line;
    if (when(ev)) {
      child.kill('SIGKILL');
      break;
    }
  }
  const how = await exited;
  if (how !== 'SIGKILL') throw new Error(`worker ended with ${String(how)} before the kill: ${stderr}`);
  const db = new Database(join(dataDir, 'jobs.sqlite'), { readonly: true });
  const row = db.prepare<[string], { state: string }>('SELECT state FROM jobs WHERE id = ?').get(jobId);
  db.close();
  return { jobId, lastEvent, stateAtKill: row?.state ?? '?' };
}

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

(READY ? describe : describe.skip)('JobService crash safety (SIGKILL of a child process mid-job)', () => {
  const cases: [string, (ev: Record<string, unknown>) => boolean][] = [
    ['after the first restored frame', (ev) => ev.type === 'frame'],
    ['after the last restored frame', (ev) => ev.type === 'frame' && ev.done === ev.total],
    ['when the publish stage starts (racing the commit)', (ev) => ev.type === 'job' && ev.stage === 'publish'],
  ];

  it.each(cases)(
    'killed %s: restarts, finishes, exactly one complete derived series, originals untouched',
    async (_name, when) => {
      const s = ctSeries(SLICES);
      const dataDir = mkdtempSync(join(tmpdir(), 'gsdiff-crash-'));
      try {
        const seed = await LocalStore.open(join(dataDir, 'store'));
        for (const b of s.instances) await seed.storeInstance(b, 'test');
        const originals = new Map(seed.listInstances(s.series).map((i) => [i.path, sha(i.path)]));
        await seed.close();

        const killed = await runAndKill(dataDir, s, when);
        const env = await openEnv([], {}, dataDir);
        try {
          const done = await waitFor(env.jobs, killed.jobId, ended);
          const series = env.store.listSeries(s.study);
          const derived = series.filter((x) => x.seriesInstanceUid !== s.series);
          const evidence = {
            killedAfter: killed.lastEvent,
            stateAtKill: killed.stateAtKill,
            storeRecovery: env.store.recovery,
            final: { state: done.state, attempts: done.attempts, derived: done.derivedSeriesInstanceUid },
            seriesInStudy: series.map((x) => `${x.seriesInstanceUid} (${x.numberOfInstances})`),
          };
          console.log(`crash evidence: ${JSON.stringify(evidence)}`);
          expect(done.state).toBe('done');
          expect(derived).toHaveLength(1);
          expect(derived[0].seriesInstanceUid).toBe(done.derivedSeriesInstanceUid);
          expect(env.store.listInstances(derived[0].seriesInstanceUid)).toHaveLength(SLICES);
          for (const [path, digest] of originals) expect(sha(path)).toBe(digest);
          expect(env.store.listInstances(s.series)).toHaveLength(SLICES);
          expect(readdirSync(join(env.store.root, 'tmp'))).toEqual([]);
          expect(done.publishedAt).toBeTruthy();
        } finally {
          await env.close();
        }
      } finally {
        removeDir(dataDir);
      }
    },
  );
});
