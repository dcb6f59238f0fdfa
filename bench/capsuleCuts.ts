/**
 * Precision and recall of the capsule cut detector (pacs-adapters/capsule/detectCuts.ts) against the run boundaries
 * of FRAMES.tsv, per clip and pooled, training clips and the held-out clip reported apart.
 * Usage: node dist/bench/capsuleCuts.js [--data <clips folder>] [--search] [--json]
 * --search grid-searches minHistogram x minContextRatio on the training clips only (best min(precision, recall),
 * then F1) and prints the best settings; the held-out clip is never part of the search.
 */
import { join, resolve } from 'node:path';
import {
  clipStatistics,
  decodeVideoFrames,
  DEFAULT_CUT_THRESHOLDS,
  detectCuts,
  probeVideo,
  readFramesTsv,
  scoreCuts,
  sumCutScores,
  type ClipStatistics,
  type CutScore,
  type CutThresholds,
} from '../pacs-adapters/index.js';

const TRAINING_CLIPS = [
  '07c1fa15a20a4398',
  '4aebc5cb2d4847aa',
  '5e9beaf4e66142c8',
  '8a00709108cd4e2b',
  'ad91cf7ca91440aa',
  'fe5d372e43f94f68',
];
const HELD_OUT_CLIPS = ['39960e5e099a45ca'];

const args = process.argv.slice(2);
const dataAt = args.indexOf('--data');
const dir = resolve(dataAt >= 0 ? args[dataAt + 1] : '../shared/data/capsule-endoscopy-kvasir-capsule-clips');
const table = await readFramesTsv(join(dir, 'FRAMES.tsv'));

interface Clip {
  name: string;
  stats: ClipStatistics;
  truth: number[];
}
const load = async (name: string): Promise<Clip> => {
  const file = join(dir, `${name}.mp4`);
  const video = await probeVideo(file);
  const stats = await clipStatistics(decodeVideoFrames(file, video), video);
  const runs = table.clips.get(`${name}.mp4`)?.runs ?? [];
  return { name, stats, truth: runs.slice(1).map((r) => r.firstFrameIndex) };
};
const training: Clip[] = [];
for (const name of TRAINING_CLIPS) training.push(await load(name));

const scoreAll = (clips: Clip[], t: CutThresholds): { perClip: (CutScore & { clip: Clip })[]; pooled: CutScore } => {
  const perClip = clips.map((clip) => ({ clip, ...scoreCuts(detectCuts(clip.stats, t).cuts, clip.truth) }));
  return { perClip, pooled: sumCutScores(perClip) };
};

if (args.includes('--search')) {
  const found: { t: CutThresholds; s: CutScore; key: number; f1: number }[] = [];
  for (let h = 0.05; h <= 0.45 + 1e-9; h += 0.002) {
    for (let r = 1; r <= 5 + 1e-9; r += 0.05) {
      const t = { ...DEFAULT_CUT_THRESHOLDS, minHistogram: +h.toFixed(3), minContextRatio: +r.toFixed(2) };
      const s = scoreAll(training, t).pooled;
      const f1 = (2 * s.precision * s.recall) / (s.precision + s.recall || 1);
      found.push({ t, s, key: Math.min(s.precision, s.recall), f1 });
    }
  }
  found.sort((a, b) => b.key - a.key || b.f1 - a.f1 || b.t.minContextRatio - a.t.minContextRatio);
  process.stdout.write('best on the training clips (min(precision, recall), then F1):\n');
  for (const f of found.slice(0, 10)) {
    process.stdout.write(
      `  minHistogram ${f.t.minHistogram} minContextRatio ${f.t.minContextRatio}: precision ${f.s.precision.toFixed(3)} recall ${f.s.recall.toFixed(3)} (TP ${f.s.truePositives}, FP ${f.s.falsePositives}, FN ${f.s.falseNegatives})\n`,
    );
  }
  process.exit(0);
}

const heldOut: Clip[] = [];
for (const name of HELD_OUT_CLIPS) heldOut.push(await load(name));
const t = DEFAULT_CUT_THRESHOLDS;
const train = scoreAll(training, t);
const held = scoreAll(heldOut, t);
if (args.includes('--json')) {
  const row = (s: CutScore & { clip?: Clip }): Record<string, unknown> => ({
    ...(s.clip ? { clip: s.clip.name, frames: s.clip.stats.frameCount, cuts: s.clip.truth.length } : {}),
    truePositives: s.truePositives,
    falsePositives: s.falsePositives,
    falseNegatives: s.falseNegatives,
    precision: s.precision,
    recall: s.recall,
  });
  process.stdout.write(
    `${JSON.stringify({ thresholds: t, training: { clips: train.perClip.map(row), pooled: row(train.pooled) }, heldOut: { clips: held.perClip.map(row), pooled: row(held.pooled) } }, null, 2)}\n`,
  );
} else {
  const line = (label: string, frames: string, cuts: string, s: CutScore): string =>
    `| ${label} | ${frames} | ${cuts} | ${s.truePositives} | ${s.falsePositives} | ${s.falseNegatives} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} |\n`;
  process.stdout.write(
    `thresholds: minHistogram ${t.minHistogram}, minContextRatio ${t.minContextRatio}, maxRepeatLuma ${t.maxRepeatLuma}\n\n`,
  );
  process.stdout.write(
    '| clip | frames | true cuts | TP | FP | FN | precision | recall |\n|---|---|---|---|---|---|---|---|\n',
  );
  for (const s of train.perClip)
    process.stdout.write(
      line(`${s.clip.name} (training)`, String(s.clip.stats.frameCount), String(s.clip.truth.length), s),
    );
  const frames = (c: Clip[]): string => String(c.reduce((n, x) => n + x.stats.frameCount, 0));
  const cuts = (c: Clip[]): string => String(c.reduce((n, x) => n + x.truth.length, 0));
  process.stdout.write(line('**training, pooled**', frames(training), cuts(training), train.pooled));
  for (const s of held.perClip)
    process.stdout.write(
      line(`${s.clip.name} (held out)`, String(s.clip.stats.frameCount), String(s.clip.truth.length), s),
    );
  const repeats = [...training, ...heldOut].reduce((n, c) => n + detectCuts(c.stats, t).repeats.length, 0);
  process.stdout.write(`\nframes flagged as repeats over all ${training.length + heldOut.length} clips: ${repeats}\n`);
}
