import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runFuzz, type FuzzSummary } from '../../bench/fuzz/runFuzz.js';
import { seedFiles } from '../../bench/fuzz/seedFiles.js';
import { SHARED_DATA } from '../helpers/sharedData.js';

/** The worker is built code (`npm test` builds first): a crash in it must be observed, not take jest down. */
const WORKER = join(process.env.GSDIFF_DIST ?? join(process.cwd(), 'dist'), 'bench/fuzz/fuzzWorker.js');
const CASES = 1000;
const SEED = 20261201;
const RSS_LIMIT_MB = 600;

/** A bounded sample of the full run (`node dist/bench/fuzzDicom.js --cases 10000`, docs/RELIABILITY.md). */
describe(`DICOM mutation fuzzing (${CASES} cases, seed ${SEED})`, () => {
  let summary: FuzzSummary;
  const describeCase = (c: FuzzSummary['crashes'][number]): string =>
    `${c.status} #${c.index} ${c.seedFile} ${JSON.stringify(c.mutations)}: ${c.message}`;

  beforeAll(async () => {
    if (!existsSync(WORKER)) throw new Error(`${WORKER} missing: run "npm run build" first (the test command does)`);
    summary = await runFuzz({
      files: seedFiles(SHARED_DATA),
      cases: CASES,
      seed: SEED,
      workers: 2,
      timeoutMs: 15_000,
      maxOldSpaceMb: 512,
      workerScript: WORKER,
    });
  }, 240_000);

  it('runs every case over the real seed files', () => {
    expect(summary.seedFiles).toBeGreaterThan(100);
    expect(summary.cases).toBe(CASES);
    expect(summary.decoded + summary.rejected + summary.crashes.length + summary.hangs.length).toBe(CASES);
  });

  it('never crashes: every failure is a typed error', () => {
    expect(summary.crashes.map(describeCase)).toEqual([]);
  });

  it('never hangs', () => {
    expect(summary.hangs.map(describeCase)).toEqual([]);
  });

  it('names the file and the tag or field in every rejection', () => {
    expect(summary.vague.map((c) => `#${c.index} ${c.code}: ${c.message} ${JSON.stringify(c.details)}`)).toEqual([]);
  });

  it('keeps memory bounded', () => {
    expect(summary.peakRssMb).toBeLessThan(RSS_LIMIT_MB);
  });

  it('exercises every mutation kind and many rejection codes', () => {
    expect(Object.keys(summary.operations).sort()).toEqual(
      ['deepSequence', 'flip', 'length', 'setByte', 'splice', 'transferSyntax', 'truncate', 'value', 'vr'].sort(),
    );
    expect(Object.keys(summary.codes).length).toBeGreaterThanOrEqual(6);
  });
});
