import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describeThrown, GsdiffError } from '../../common/index.js';
import { assembleSeries, decodeFrame, modalityValues, parseInstance } from '../../pacs-adapters/index.js';
import { applyMutations, loadSeed, type FuzzCase, type Seed } from './dicomMutations.js';
import type { CaseOutcome, WorkerRequest } from './protocol.js';

/**
 * Child-process entry of the DICOM fuzzer: applies each case to its seed and reads it the way the module does
 * (parse, header, series assembly, decode and modality values of the first, second and last frame). Runs in its own process with a heap limit so a crash,
 * a hang or a memory blow-up is observed by the parent instead of taking it down.
 */
const seeds = new Map<string, Seed>();
let files: readonly string[] = [];

function seedOf(file: string): Seed {
  let s = seeds.get(file);
  if (!s) {
    s = loadSeed(new Uint8Array(readFileSync(file)));
    seeds.set(file, s);
  }
  return s;
}

/** Frames worth decoding: the first, the second (offset-table walk) and the last (end of the pixel data). */
function framesToDecode(n: number): number[] {
  return [...new Set([0, 1, n - 1])].filter((i) => i >= 0 && i < n);
}

async function runCase(index: number, c: FuzzCase): Promise<CaseOutcome> {
  const seedFile = files[c.file];
  const name = `fuzz/${basename(seedFile)}#${index}`;
  const t0 = performance.now();
  const bytes = applyMutations(seedOf(seedFile), c.mutations);
  const base = { index, name, bytes: bytes.length };
  try {
    const inst = parseInstance(bytes, name, { requireIdentity: false });
    // What a job does next with a file it read: assemble the series, take modality values of each frame.
    assembleSeries([inst.header]);
    for (const i of framesToDecode(inst.header.numberOfFrames)) {
      const frame = await decodeFrame(inst, i);
      if (frame.kind === 'gray') modalityValues(frame, inst.header);
    }
    return { ...base, status: 'decoded', ms: performance.now() - t0, rssMb: rssMb() };
  } catch (e) {
    if (e instanceof GsdiffError) {
      return {
        ...base,
        status: 'rejected',
        code: e.code,
        message: e.message,
        details: e.details,
        ms: performance.now() - t0,
        rssMb: rssMb(),
      };
    }
    const stack = e instanceof Error ? (e.stack ?? '').split('\n').slice(0, 6).join('\n') : '';
    return {
      ...base,
      status: 'crashed',
      message: `${describeThrown(e)}\n${stack}`,
      ms: performance.now() - t0,
      rssMb: rssMb(),
    };
  }
}

function rssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const send = (m: CaseOutcome | { ready: true }): void => {
  process.send?.(m);
};

process.on('message', (m: WorkerRequest) => {
  if (m.type === 'files') {
    files = m.files;
    send({ ready: true });
    return;
  }
  void runCase(m.index, m.case).then(send);
});
