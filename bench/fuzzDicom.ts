import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runFuzz } from './fuzz/runFuzz.js';
import { seedFiles } from './fuzz/seedFiles.js';

/**
 * The full DICOM fuzz run (docs/RELIABILITY.md): `node dist/bench/fuzzDicom.js --cases 10000 --seed 20261201`.
 * Prints a summary, writes every non-clean case with its mutations to --out, exits 1 on any crash, hang or vague error.
 */
const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '20261201' },
    workers: { type: 'string', default: '2' },
    'timeout-ms': { type: 'string', default: '15000' },
    'heap-mb': { type: 'string', default: '512' },
    data: { type: 'string' },
    out: { type: 'string', default: 'fuzz-dicom.json' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const dataRoot = resolve(values.data ?? join(here, '../../../shared/data'));
const files = seedFiles(dataRoot);
const total = Number(values.cases);
let last = 0;
const summary = await runFuzz({
  files,
  cases: total,
  seed: Number(values.seed),
  workers: Number(values.workers),
  timeoutMs: Number(values['timeout-ms']),
  maxOldSpaceMb: Number(values['heap-mb']),
  onProgress: (done) => {
    if (done - last >= 500 || done === total) {
      last = done;
      process.stderr.write(`${done}/${total}\n`);
    }
  },
});
writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
const line = {
  seed: summary.seed,
  cases: summary.cases,
  seedFiles: summary.seedFiles,
  decoded: summary.decoded,
  rejected: summary.rejected,
  crashes: summary.crashes.length,
  hangs: summary.hangs.length,
  vague: summary.vague.length,
  peakRssMb: summary.peakRssMb,
  slowestMs: summary.slowestMs,
  wallS: Math.round(summary.wallMs / 1000),
  workerRestarts: summary.workerRestarts,
  codes: summary.codes,
  operations: summary.operations,
};
process.stdout.write(`${JSON.stringify(line, null, 2)}\n`);
for (const c of [...summary.crashes, ...summary.hangs, ...summary.vague].slice(0, 20)) {
  process.stdout.write(`${c.status} case ${c.index} ${c.seedFile} ${JSON.stringify(c.mutations)}\n  ${c.message}\n`);
}
process.exit(summary.crashes.length + summary.hangs.length + summary.vague.length > 0 ? 1 : 0);
