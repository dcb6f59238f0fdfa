import { probeFile } from './probeFile.js';

/**
 * Child-process entry: probes one file and prints one JSON line with the outcome, wall time and peak RSS.
 * Run in its own process so a crash, a hang or a memory blow-up is contained and measurable.
 */
const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: probeProcess <file>\n');
  process.exit(2);
}
const t0 = performance.now();
const outcome = await probeFile(file);
const ms = Math.round(performance.now() - t0);
const maxRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ ...outcome, ms, maxRssMb })}\n`);
