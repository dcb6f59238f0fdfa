/**
 * Decode throughput for a whole series: read + parse + decode + modality LUT per slice, one core.
 * Usage: node dist/bench/decode.js [seriesDir] [--syntax native|jpeg-lossless] [--repeat N]
 * The JPEG-lossless variant is transcoded at run time with dcmtk's dcmcjpeg (SV1) into a temp folder, so the
 * repository never holds a copy of shared data.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeFrame, modalityValues, readInstanceFile } from '../pacs-adapters/index.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dir = resolve(
  args.find((a) => !a.startsWith('--') && !['native', 'jpeg-lossless'].includes(a) && !/^\d+$/.test(a)) ??
    '../shared/data/ct-human-abdomen-pancreatic-ct-cbct-seg',
);
const syntax = flag('--syntax', 'native');
const repeat = Number(flag('--repeat', '3'));

let files = readdirSync(dir)
  .filter((f) => f.endsWith('.dcm'))
  .sort()
  .map((f) => join(dir, f));
let tmp: string | undefined;
if (syntax === 'jpeg-lossless') {
  tmp = mkdtempSync(join(tmpdir(), 'gsdiff-bench-'));
  files = files.map((f, i) => {
    const out = join(tmp as string, `${String(i).padStart(4, '0')}.dcm`);
    execFileSync('dcmcjpeg', ['+e1', f, out]);
    return out;
  });
}
const bytes = files.reduce((a, f) => a + statSync(f).size, 0);
const times: number[] = [];
let pixels = 0;
for (let r = 0; r < repeat; r++) {
  const t0 = performance.now();
  pixels = 0;
  for (const f of files) {
    const inst = await readInstanceFile(f);
    const frame = await decodeFrame(inst, 0);
    if (frame.kind === 'gray') pixels += modalityValues(frame, inst.header).length;
  }
  times.push(performance.now() - t0);
}
if (tmp) rmSync(tmp, { recursive: true, force: true });
const best = Math.min(...times) / 1000;
const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] / 1000;
const result = {
  series: dir,
  syntax,
  slices: files.length,
  fileMB: +(bytes / 1e6).toFixed(1),
  medianSeconds: +median.toFixed(3),
  slicesPerSecond: +(files.length / median).toFixed(1),
  fileMBPerSecond: +(bytes / 1e6 / median).toFixed(1),
  decodedMBPerSecond: +((pixels * 2) / 1e6 / median).toFixed(1),
  bestSeconds: +best.toFixed(3),
  runs: repeat,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
