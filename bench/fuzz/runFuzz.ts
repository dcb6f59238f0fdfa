import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FuzzCase } from './dicomMutations.js';
import { generateCases } from './fuzzCases.js';
import type { CaseOutcome, WorkerRequest } from './protocol.js';

export interface FuzzOptions {
  /** Seed files (real DICOM read in place). */
  readonly files: readonly string[];
  readonly cases: number;
  readonly seed: number;
  /** Parallel worker processes (default 2). */
  readonly workers?: number;
  /** A case taking longer is a hang: its worker is killed and replaced (default 15 s). */
  readonly timeoutMs?: number;
  /** V8 heap limit of each worker, MB (default 512). */
  readonly maxOldSpaceMb?: number;
  /** The built worker entry (dist/bench/fuzz/fuzzWorker.js); defaults to the one beside this module. */
  readonly workerScript?: string;
  readonly onProgress?: (done: number, total: number) => void;
}

export type CaseStatus = CaseOutcome['status'] | 'hang' | 'died';

export interface CaseResult extends Omit<CaseOutcome, 'status'> {
  readonly status: CaseStatus;
  readonly seedFile: string;
  readonly mutations: FuzzCase['mutations'];
}

export interface FuzzSummary {
  readonly seed: number;
  readonly cases: number;
  readonly seedFiles: number;
  readonly decoded: number;
  readonly rejected: number;
  /** Non-typed exceptions, hangs, and worker deaths (signal, heap limit). */
  readonly crashes: readonly CaseResult[];
  readonly hangs: readonly CaseResult[];
  /** Typed rejections whose message or details do not name the file and a tag or field. */
  readonly vague: readonly CaseResult[];
  readonly codes: Readonly<Record<string, number>>;
  readonly operations: Readonly<Record<string, number>>;
  readonly peakRssMb: number;
  readonly slowestMs: number;
  readonly wallMs: number;
  readonly workerRestarts: number;
}

/** A rejection must name the mutated file in its message and details, and a tag or field in its details. */
export function namesFileAndField(r: Pick<CaseOutcome, 'name' | 'message' | 'details'>): boolean {
  const d = r.details ?? {};
  return Boolean(r.message?.includes(r.name)) && d.file === r.name && Boolean(d.tag || d.field);
}

/**
 * Runs `cases` generated cases over the seed files in `workers` child processes. Each case gets `timeoutMs`; a worker
 * that dies or hangs is recorded against its case and replaced, so the run always completes.
 */
export async function runFuzz(o: FuzzOptions): Promise<FuzzSummary> {
  const t0 = performance.now();
  const cases = generateCases(o.files.length, o.cases, o.seed);
  const timeoutMs = o.timeoutMs ?? 15_000;
  const script = o.workerScript ?? fileURLToPath(new URL('./fuzzWorker.js', import.meta.url));
  const heap = o.maxOldSpaceMb ?? 512;
  const results: CaseResult[] = [];
  let next = 0;
  let restarts = 0;
  let started = 0;

  const startWorker = (): Promise<ChildProcess> => {
    if (started++ >= (o.workers ?? 2)) restarts++;
    const child = fork(script, [], {
      execArgv: [`--max-old-space-size=${heap}`, '--stack-size=984'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    child.stderr?.resume();
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        reject(new Error(`fuzz worker ${script} exited at start: ${signal ?? code}`)),
      );
      child.once('message', () => resolve(child));
      child.send({ type: 'files', files: o.files } satisfies WorkerRequest);
    });
  };

  const runOne = (child: ChildProcess, index: number): Promise<CaseOutcome | { died: string } | { hang: true }> =>
    new Promise((resolve) => {
      const done = (v: CaseOutcome | { died: string } | { hang: true }): void => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(v);
      };
      const onMessage = (m: CaseOutcome): void => {
        if (m.index === index) done(m);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        done({ died: `worker exited (${signal ?? `code ${code}`})` });
      const timer = setTimeout(() => done({ hang: true }), timeoutMs);
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.send({ type: 'case', index, case: cases[index] } satisfies WorkerRequest);
    });

  const lane = async (): Promise<void> => {
    let child = await startWorker();
    try {
      for (let i = next++; i < cases.length; i = next++) {
        const c = cases[i];
        const r = await runOne(child, i);
        const common = { seedFile: o.files[c.file], mutations: c.mutations };
        if ('died' in r || 'hang' in r) {
          child.kill('SIGKILL');
          results.push({
            ...common,
            index: i,
            name: `case ${i}`,
            bytes: 0,
            status: 'hang' in r ? 'hang' : 'died',
            message: 'hang' in r ? `no answer within ${timeoutMs} ms` : r.died,
            ms: timeoutMs,
            rssMb: 0,
          });
          child = await startWorker();
        } else {
          results.push({ ...r, ...common });
        }
        o.onProgress?.(results.length, cases.length);
      }
    } finally {
      child.kill('SIGKILL');
    }
  };
  await Promise.all(Array.from({ length: o.workers ?? 2 }, lane));

  const codes: Record<string, number> = {};
  const operations: Record<string, number> = {};
  for (const r of results) if (r.code) codes[r.code] = (codes[r.code] ?? 0) + 1;
  for (const c of cases) for (const m of c.mutations) operations[m.op] = (operations[m.op] ?? 0) + 1;
  results.sort((a, b) => a.index - b.index);
  return {
    seed: o.seed,
    cases: results.length,
    seedFiles: o.files.length,
    decoded: results.filter((r) => r.status === 'decoded').length,
    rejected: results.filter((r) => r.status === 'rejected').length,
    crashes: results.filter((r) => r.status === 'crashed' || r.status === 'died'),
    hangs: results.filter((r) => r.status === 'hang'),
    vague: results.filter((r) => r.status === 'rejected' && !namesFileAndField(r)),
    codes,
    operations,
    peakRssMb: Math.max(0, ...results.map((r) => r.rssMb)),
    slowestMs: Math.round(Math.max(0, ...results.map((r) => r.ms))),
    wallMs: Math.round(performance.now() - t0),
    workerRestarts: restarts,
  };
}
