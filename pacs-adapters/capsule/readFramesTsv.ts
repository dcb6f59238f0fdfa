import { basename } from 'node:path';
import { pacsError, type PacsError } from '../errors.js';
import { readBounded } from '../dicom/readInstance.js';
import type { CapsuleClipFrames, CapsuleFrameRecord, CapsuleFrameTable, CapsuleRun } from './CapsuleFrames.js';

/**
 * Registry code for a malformed frame table. PACS_ERR_BAD_ATTRIBUTE until the registry gets a dedicated code;
 * details always carry file, line, column (1-based) and field (the column name).
 */
export const FRAME_TABLE_ERROR = 'PACS_ERR_FRAME_TABLE' as const;

/** The columns FRAMES.tsv must have (any order; extra columns are ignored). */
export const FRAMES_TSV_COLUMNS = [
  'file',
  'mp4_frame_index',
  'kvasir_capsule_frame_number',
  'label',
  'official_split',
  'run_id',
  'run_length',
  'consecutive_with_previous',
] as const;

type Column = (typeof FRAMES_TSV_COLUMNS)[number];

const MAX_TSV_BYTES = 64 * 1024 * 1024;

/**
 * Reads and validates FRAMES.tsv (see parseFramesTsv).
 * @param file - path of FRAMES.tsv
 * @throws PACS_ERR_FILE_READ, PACS_ERR_FILE_TOO_LARGE (over 64 MiB), and every error of parseFramesTsv
 */
export async function readFramesTsv(file: string): Promise<CapsuleFrameTable> {
  const bytes = await readBounded(file, MAX_TSV_BYTES);
  return parseFramesTsv(new TextDecoder('utf-8').decode(bytes), file);
}

/**
 * Parses the frame table of the Kvasir-Capsule clips: one row per MP4 frame with the columns of
 * FRAMES_TSV_COLUMNS. Checks every cell and the runs: per clip, MP4 frame indexes count 0, 1, 2…; a frame with
 * consecutive_with_previous 1 is the previous capsule frame + 1 and stays in the same run; a frame with 0 starts
 * the next run_id; run_length equals the rows of the run; Kvasir frame numbers are unique.
 * @param text - the TSV text (LF or CRLF line ends; trailing blank lines allowed)
 * @param file - names the source in errors
 * @throws PACS_ERR_BAD_ATTRIBUTE (FRAME_TABLE_ERROR) naming file, line, column and what was expected
 * @example const table = parseFramesTsv(text, 'FRAMES.tsv'); table.clips.get('ad91cf7ca91440aa.mp4')?.runs.length; // 5
 */
export function parseFramesTsv(text: string, file: string): CapsuleFrameTable {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw tableError(file, 1, 1, 'header', 'empty file: expected a header line');
  const header = lines[0].split('\t');
  const index = new Map<Column, number>();
  for (const name of FRAMES_TSV_COLUMNS) {
    const at = header.indexOf(name);
    if (at < 0) {
      throw tableError(
        file,
        1,
        header.length + 1,
        name,
        `header lacks column "${name}": expected ${FRAMES_TSV_COLUMNS.join(', ')}, got ${header.join(', ')}`,
      );
    }
    index.set(name, at);
  }
  const builder = new TableBuilder(file, (name) => (index.get(name) as number) + 1);
  for (let i = 1; i < lines.length; i++) {
    const line = i + 1;
    const cells = lines[i].split('\t');
    if (cells.length !== header.length) {
      throw tableError(
        file,
        line,
        Math.min(cells.length, header.length) + 1,
        'row',
        `row has ${cells.length} columns: expected ${header.length} (tab-separated)`,
      );
    }
    const cell = (name: Column): { value: string; column: number } => {
      const at = index.get(name) as number;
      return { value: cells[at], column: at + 1 };
    };
    const int = (name: Column): number => {
      const { value, column } = cell(name);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        throw tableError(file, line, column, name, `${name} is "${value}": expected a non-negative integer`);
      }
      return Number(value);
    };
    const textCell = (name: Column): string => {
      const { value, column } = cell(name);
      if (value.trim() === '') throw tableError(file, line, column, name, `${name} is empty: expected text`);
      return value;
    };
    const consecutive = int('consecutive_with_previous');
    if (consecutive > 1) {
      throw tableError(
        file,
        line,
        cell('consecutive_with_previous').column,
        'consecutive_with_previous',
        `consecutive_with_previous is ${consecutive}: expected 0 or 1`,
      );
    }
    const runLength = int('run_length');
    if (runLength < 1)
      throw tableError(file, line, cell('run_length').column, 'run_length', 'run_length is 0: expected at least 1');
    builder.add({
      clip: textCell('file'),
      mp4FrameIndex: int('mp4_frame_index'),
      kvasirFrameNumber: int('kvasir_capsule_frame_number'),
      label: textCell('label'),
      officialSplit: int('official_split'),
      runId: int('run_id'),
      runLength,
      consecutiveWithPrevious: consecutive === 1,
      line,
    });
  }
  return { file, clips: builder.finish() };
}

/**
 * The frames and runs of one clip, looked up by the MP4's file name (a path is reduced to its base name).
 * @throws PACS_ERR_BAD_ATTRIBUTE (FRAME_TABLE_ERROR) when the table has no row for the clip
 */
export function clipFrames(table: CapsuleFrameTable, clip: string): CapsuleClipFrames {
  const name = basename(clip);
  const found = table.clips.get(name);
  if (!found) {
    throw pacsError(
      FRAME_TABLE_ERROR,
      `no rows for clip "${name}": expected one of ${[...table.clips.keys()].join(', ')}`,
      {
        file: table.file,
        field: 'file',
        clip: name,
      },
    );
  }
  return found;
}

function tableError(file: string, line: number, column: number, field: string, message: string): PacsError {
  return pacsError(FRAME_TABLE_ERROR, `line ${line}, column ${column} (${field}): ${message}`, {
    file,
    line,
    column,
    field,
  });
}

interface ClipState {
  frames: CapsuleFrameRecord[];
  runs: CapsuleRun[];
  runStart: number;
  kvasirSeen: Set<number>;
}

/** Accumulates rows clip by clip and checks the run structure as it goes. */
class TableBuilder {
  private readonly clips = new Map<string, ClipState>();
  private current: string | undefined;

  constructor(
    private readonly file: string,
    private readonly columnOf: (name: Column) => number,
  ) {}

  add(row: CapsuleFrameRecord): void {
    const fail = (name: Column, message: string): never => {
      throw tableError(this.file, row.line, this.columnOf(name), name, message);
    };
    let state = this.clips.get(row.clip);
    if (row.clip !== this.current) {
      if (state)
        fail('file', `rows of clip "${row.clip}" resume after another clip: expected each clip's rows together`);
      if (this.current !== undefined) this.closeRun(this.current);
      state = { frames: [], runs: [], runStart: 0, kvasirSeen: new Set() };
      this.clips.set(row.clip, state);
      this.current = row.clip;
    }
    const s = state as ClipState;
    const prev = s.frames[s.frames.length - 1];
    if (row.mp4FrameIndex !== s.frames.length) {
      fail(
        'mp4_frame_index',
        `mp4_frame_index is ${row.mp4FrameIndex}: expected ${s.frames.length} (0-based, in order)`,
      );
    }
    if (s.kvasirSeen.has(row.kvasirFrameNumber)) {
      fail(
        'kvasir_capsule_frame_number',
        `kvasir_capsule_frame_number ${row.kvasirFrameNumber} repeats: expected each capsule frame once per clip`,
      );
    }
    if (!prev) {
      if (row.consecutiveWithPrevious)
        fail('consecutive_with_previous', 'consecutive_with_previous is 1 on the first frame of a clip: expected 0');
      if (row.runId !== 0) fail('run_id', `run_id is ${row.runId} on the first frame of a clip: expected 0`);
    } else if (row.consecutiveWithPrevious) {
      if (row.kvasirFrameNumber !== prev.kvasirFrameNumber + 1) {
        fail(
          'consecutive_with_previous',
          `consecutive_with_previous is 1 but the capsule frame is ${row.kvasirFrameNumber}: expected ${prev.kvasirFrameNumber + 1}`,
        );
      }
      if (row.runId !== prev.runId) fail('run_id', `run_id is ${row.runId} inside a run: expected ${prev.runId}`);
      if (row.runLength !== prev.runLength)
        fail('run_length', `run_length is ${row.runLength} inside a run: expected ${prev.runLength}`);
    } else {
      if (row.kvasirFrameNumber === prev.kvasirFrameNumber + 1) {
        fail(
          'consecutive_with_previous',
          `consecutive_with_previous is 0 but capsule frame ${row.kvasirFrameNumber} follows ${prev.kvasirFrameNumber}: expected 1`,
        );
      }
      if (row.runId !== prev.runId + 1)
        fail('run_id', `run_id is ${row.runId} at a run start: expected ${prev.runId + 1}`);
      this.closeRun(row.clip);
      s.runStart = s.frames.length;
    }
    s.kvasirSeen.add(row.kvasirFrameNumber);
    s.frames.push(row);
  }

  finish(): Map<string, CapsuleClipFrames> {
    if (this.current !== undefined) this.closeRun(this.current);
    const out = new Map<string, CapsuleClipFrames>();
    for (const [clip, s] of this.clips)
      out.set(clip, { clip, frameCount: s.frames.length, frames: s.frames, runs: s.runs });
    return out;
  }

  private closeRun(clip: string): void {
    const s = this.clips.get(clip) as ClipState;
    const frames = s.frames.slice(s.runStart);
    if (frames.length === 0) return;
    const first = frames[0];
    if (first.runLength !== frames.length) {
      throw tableError(
        this.file,
        first.line,
        this.columnOf('run_length'),
        'run_length',
        `run ${first.runId} of clip "${clip}" declares run_length ${first.runLength}: expected ${frames.length} (its rows)`,
      );
    }
    s.runs.push({
      clip,
      runId: first.runId,
      firstFrameIndex: first.mp4FrameIndex,
      length: frames.length,
      firstKvasirFrame: first.kvasirFrameNumber,
      lastKvasirFrame: frames[frames.length - 1].kvasirFrameNumber,
      frames,
    });
  }
}
