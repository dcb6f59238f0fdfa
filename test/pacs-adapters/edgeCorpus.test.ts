import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { readTsv, sharedPath } from '../helpers/sharedData.js';

const run = promisify(execFile);
const PROBE = join(process.cwd(), 'dist/pacs-adapters/dicom/probeProcess.js');
const EXPECTED = join(process.cwd(), 'test/pacs-adapters/edge-corpus.expected.tsv');
const TIME_LIMIT_MS = 10_000;
const RSS_LIMIT_MB = 512;
const NOT_DATA = /LICENSE|License|README|\.txt$|\.md$|MANIFEST/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : NOT_DATA.test(name) ? [] : [p];
  });
}

interface ProbeLine {
  status: 'decoded' | 'rejected' | 'crashed';
  kind?: string;
  columns?: number;
  rows?: number;
  frames?: number;
  code?: string;
  message?: string;
  details?: Record<string, unknown>;
  ms: number;
  maxRssMb: number;
}

/** Every file of ../shared/data/dicom-edge-cases, each in its own process with a time and memory bound. */
describe('dicom-edge-cases corpus', () => {
  const root = sharedPath('dicom-edge-cases');
  const files = walk(root).sort();
  const expected = new Map(readTsv(EXPECTED).map((r) => [r.file, r.outcome]));
  const outcomes = new Map<string, ProbeLine>();

  beforeAll(async () => {
    if (!existsSync(PROBE)) throw new Error(`${PROBE} missing: run "npm run build" first (the test command does)`);
    const queue = [...files];
    const worker = async (): Promise<void> => {
      for (let f = queue.shift(); f; f = queue.shift()) {
        try {
          const { stdout } = await run(process.execPath, [PROBE, f], { timeout: TIME_LIMIT_MS, maxBuffer: 1 << 20 });
          outcomes.set(f, JSON.parse(stdout) as ProbeLine);
        } catch (e) {
          const err = e as { killed?: boolean; code?: number; stderr?: string };
          outcomes.set(f, {
            status: 'crashed',
            message: err.killed ? `hang: killed after ${TIME_LIMIT_MS} ms` : `exit ${err.code}: ${err.stderr ?? ''}`,
            ms: TIME_LIMIT_MS,
            maxRssMb: 0,
          });
        }
      }
    };
    await Promise.all([worker(), worker()]);
  }, 300_000);

  it('covers exactly the files listed in the expectation table', () => {
    expect(files.map((f) => relative(root, f)).sort()).toEqual([...expected.keys()].sort());
  });

  it('never crashes or hangs, and stays within time and memory bounds per file', () => {
    const bad = [...outcomes.entries()].filter(
      ([, o]) => o.status === 'crashed' || o.ms > TIME_LIMIT_MS || o.maxRssMb > RSS_LIMIT_MB,
    );
    expect(
      bad.map(([f, o]) => `${relative(root, f)}: ${o.status} ${o.message ?? ''} ${o.ms} ms ${o.maxRssMb} MB`),
    ).toEqual([]);
  });

  it('gives each file the outcome recorded in the table', () => {
    const mismatches: string[] = [];
    for (const f of files) {
      const o = outcomes.get(f);
      const got =
        o?.status === 'decoded'
          ? `decoded:${o.kind}:${o.columns}x${o.rows}x${o.frames}`
          : `${o?.status}:${o?.code ?? ''}`;
      const want = expected.get(relative(root, f));
      if (got !== want) mismatches.push(`${relative(root, f)}: expected ${want}, got ${got}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('names the file and the tag or field in every rejection', () => {
    const vague = [...outcomes.entries()]
      .filter(([, o]) => o.status === 'rejected')
      .filter(([f, o]) => !o.message?.includes(f) || o.details?.file !== f || !(o.details?.tag || o.details?.field))
      .map(([f, o]) => `${relative(root, f)}: ${o.message}`);
    expect(vague).toEqual([]);
  });
});
