import { readFile } from 'node:fs/promises';
import { PacsError } from '../../../pacs-adapters/index.js';
import { clipFrames, parseFramesTsv, readFramesTsv } from '../../../pacs-adapters/capsule/index.js';
import { FRAMES_TSV, MANIFEST_TSV, SHORT_CLIP, readTsvRecords } from './capsuleFixtures.js';

const HEADER =
  'file\tmp4_frame_index\tkvasir_capsule_frame_number\tlabel\tofficial_split\trun_id\trun_length\tconsecutive_with_previous';

function tsv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n') + '\n';
}

/** A valid two-run clip: capsule frames 10, 11, 12 then 20, 21. */
const GOOD = [
  'a.mp4\t0\t10\tNormal\t0\t0\t3\t0',
  'a.mp4\t1\t11\tNormal\t0\t0\t3\t1',
  'a.mp4\t2\t12\tUlcer\t0\t0\t3\t1',
  'a.mp4\t3\t20\tNormal\t1\t1\t2\t0',
  'a.mp4\t4\t21\tNormal\t1\t1\t2\t1',
];

function errorOf(fn: () => unknown): PacsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PacsError) return e;
    throw e;
  }
  throw new Error('expected a PacsError');
}

describe('readFramesTsv on the shared FRAMES.tsv', () => {
  it('finds the 9 clips, 3,089 frames and the runs the data README and MANIFEST.tsv state', async () => {
    const table = await readFramesTsv(FRAMES_TSV);
    const manifest = readTsvRecords(await readFile(MANIFEST_TSV, 'utf8'));
    expect(table.clips.size).toBe(9);
    let frames = 0;
    let runs = 0;
    const runLengths: number[] = [];
    let inLongRuns = 0;
    for (const m of manifest) {
      const clip = clipFrames(table, m.file);
      expect(clip.frameCount).toBe(Number(m.frames_decoded));
      expect(clip.runs.length).toBe(Number(m.consecutive_runs));
      expect(Math.max(...clip.runs.map((r) => r.length))).toBe(Number(m.longest_run));
      frames += clip.frameCount;
      runs += clip.runs.length;
      for (const r of clip.runs) {
        runLengths.push(r.length);
        if (r.length >= 16) inLongRuns += r.length;
        expect(r.lastKvasirFrame - r.firstKvasirFrame + 1).toBe(r.length);
        expect(r.frames.every((f) => f.runId === r.runId)).toBe(true);
      }
    }
    expect(frames).toBe(3089);
    // README: "the 23 predicted run boundaries"; boundaries = runs - clips.
    expect(runs - table.clips.size).toBe(23);
    expect(inLongRuns).toBe(3012);
    expect(runLengths.sort((a, b) => b - a).slice(0, 4)).toEqual([532, 413, 221, 205]);
  });

  it('gives the short clip its 5 runs with MP4 start frames', async () => {
    const clip = clipFrames(await readFramesTsv(FRAMES_TSV), SHORT_CLIP);
    expect(clip.runs.map((r) => [r.runId, r.firstFrameIndex, r.length])).toEqual([
      [0, 0, 11],
      [1, 11, 2],
      [2, 13, 2],
      [3, 15, 7],
      [4, 22, 52],
    ]);
  });
});

describe('parseFramesTsv', () => {
  it('parses runs, tolerates CRLF and trailing blank lines, ignores extra columns', () => {
    const crlf = [HEADER + '\textra', ...GOOD.map((r) => r + '\tx')].join('\r\n') + '\r\n\r\n';
    const clip = clipFrames(parseFramesTsv(crlf, 'F.tsv'), 'some/dir/a.mp4');
    expect(clip.frameCount).toBe(5);
    expect(clip.runs.map((r) => [r.runId, r.firstFrameIndex, r.length, r.firstKvasirFrame, r.lastKvasirFrame])).toEqual(
      [
        [0, 0, 3, 10, 12],
        [1, 3, 2, 20, 21],
      ],
    );
    expect(clip.frames[2]).toMatchObject({ label: 'Ulcer', consecutiveWithPrevious: true, line: 4 });
  });

  it.each([
    ['a non-integer cell', [GOOD[0], 'a.mp4\t1\televen\tNormal\t0\t0\t3\t1'], 3, 3, 'kvasir_capsule_frame_number'],
    ['a missing cell', [GOOD[0], 'a.mp4\t1\t11\tNormal\t0\t0\t3'], 3, 8, 'row'],
    ['an empty label', [GOOD[0], 'a.mp4\t1\t11\t\t0\t0\t3\t1'], 3, 4, 'label'],
    ['a flag other than 0/1', [GOOD[0], 'a.mp4\t1\t11\tNormal\t0\t0\t3\t2'], 3, 8, 'consecutive_with_previous'],
    ['a gap in MP4 indexes', [GOOD[0], 'a.mp4\t2\t11\tNormal\t0\t0\t3\t1'], 3, 2, 'mp4_frame_index'],
    ['a jump flagged consecutive', [GOOD[0], 'a.mp4\t1\t15\tNormal\t0\t0\t3\t1'], 3, 8, 'consecutive_with_previous'],
    ['a run start without a new run_id', [...GOOD.slice(0, 3), 'a.mp4\t3\t20\tNormal\t1\t0\t2\t0'], 5, 6, 'run_id'],
    ['a wrong run_length', [...GOOD.slice(0, 3), 'a.mp4\t3\t13\tUlcer\t0\t0\t3\t1'], 2, 7, 'run_length'],
    [
      'a clip resuming later',
      ['a.mp4\t0\t10\tNormal\t0\t0\t1\t0', 'b.mp4\t0\t5\tNormal\t0\t0\t1\t0', 'a.mp4\t1\t11\tNormal\t0\t0\t1\t1'],
      4,
      1,
      'file',
    ],
  ])('names file, line and column for %s', (_what, rows, line, column, field) => {
    const e = errorOf(() => parseFramesTsv(tsv(...rows), 'bad/FRAMES.tsv'));
    expect(e.code).toBe('PACS_ERR_FRAME_TABLE');
    expect(e.details).toMatchObject({ file: 'bad/FRAMES.tsv', line, column, field });
    expect(e.message).toMatch(
      new RegExp(`^bad/FRAMES\\.tsv: line ${line}, column ${column} \\(${field}\\): .*expected`),
    );
  });

  it('refuses a header without a required column', () => {
    const e = errorOf(() => parseFramesTsv('file\tmp4_frame_index\n', 'h.tsv'));
    expect(e.details).toMatchObject({ file: 'h.tsv', line: 1, field: 'kvasir_capsule_frame_number' });
  });

  it('refuses a clip the table does not list', () => {
    const e = errorOf(() => clipFrames(parseFramesTsv(tsv(...GOOD), 'F.tsv'), 'zzz.mp4'));
    expect(e.code).toBe('PACS_ERR_FRAME_TABLE');
    expect(e.message).toContain('zzz.mp4');
  });
});
