import { appendFile, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import type { FrameHeader } from '../../wire/index.js';

/** What every frame of one job shares, written to `frames/meta.json` before the first frame. */
export interface FramesMeta {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  /** float32: HU (CT and other greyscale, modality values); uint8: interleaved RGB. */
  readonly dtype: 'float32' | 'uint8';
  readonly total: number;
  readonly windowCenter?: number;
  readonly windowWidth?: number;
  /** Per frame index, its source slice. */
  readonly slices: readonly { readonly sopInstanceUid: string; readonly frameIndex: number }[];
}

export type { FrameHeader } from '../../wire/index.js';

export interface StoredFrame {
  readonly header: FrameHeader;
  /** Raw little-endian Float32 values or RGB bytes, row-major (interleaved for RGB). */
  readonly payload: Buffer;
}

const META = 'meta.json';
const INDEX = 'index.jsonl';
const LITTLE = endianness() === 'LE';

/** The frames folder of a job: `<dataDir>/jobs/<id>/frames`. */
export function framesDir(dataDir: string, jobId: string): string {
  return path.join(dataDir, 'jobs', jobId, 'frames');
}

/**
 * Writes a job's restored frames: `<index>.bin` (written under a temporary name and renamed, so a reader never sees
 * half a frame), then one line in `index.jsonl`. A frame is announced only after its line is written, so streams
 * read frames from disk and never from memory.
 */
export class FrameWriter {
  private written = 0;
  private readonly known = new Set<number>();

  private constructor(
    readonly dir: string,
    readonly meta: FramesMeta,
  ) {}

  static async create(dir: string, meta: FramesMeta): Promise<FrameWriter> {
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${META}.part`), JSON.stringify(meta));
    await rename(path.join(dir, `${META}.part`), path.join(dir, META));
    return new FrameWriter(dir, meta);
  }

  /**
   * Continues a frames folder another attempt of the same job began (the queue backend's relay after a retry or a
   * restart): indices already listed keep their line in `index.jsonl` and only their pixels are replaced, so a
   * stream never sees a frame twice and the folder ends holding the last attempt's pixels.
   */
  static async resume(dir: string, meta: FramesMeta): Promise<FrameWriter> {
    let lines: string[];
    try {
      lines = (await readFile(path.join(dir, INDEX), 'utf8')).split('\n');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return FrameWriter.create(dir, meta);
      throw e;
    }
    const writer = await FrameWriter.create(dir, meta);
    for (const line of lines) {
      // A torn last line (a crash mid-append) is dropped: that frame is written again.
      if (!line.endsWith('}')) continue;
      writer.known.add((JSON.parse(line) as { index: number }).index);
    }
    writer.written = writer.known.size;
    if (lines.some((l) => l !== '' && !l.endsWith('}'))) {
      await writeFile(
        path.join(dir, INDEX),
        [...writer.known].map((i) => `${JSON.stringify({ index: i })}\n`).join(''),
      );
    }
    return writer;
  }

  /** Frames written so far. */
  get count(): number {
    return this.written;
  }

  /** Writes frame `index` and returns the number of frames now on disk. */
  async write(index: number, values: Float32Array | Uint8Array): Promise<number> {
    const file = path.join(this.dir, `${index}.bin`);
    await writeFile(`${file}.part`, littleEndianBytes(values));
    await rename(`${file}.part`, file);
    if (this.known.has(index)) return this.written;
    this.known.add(index);
    await appendFile(path.join(this.dir, INDEX), `${JSON.stringify({ index, bytes: values.byteLength })}\n`);
    this.written++;
    return this.written;
  }
}

/**
 * Reads a job's frames folder incrementally: `refresh` picks up index lines written since the last call; `read`
 * loads one frame. Holds only the small index entries, never pixel data between calls.
 */
export class FrameReader {
  private readonly entries: number[] = [];
  private offset = 0;
  private partial = '';
  private meta: FramesMeta | undefined;

  constructor(readonly dir: string) {}

  /** Frames known to be on disk (after the last refresh). */
  get count(): number {
    return this.entries.length;
  }

  /** Reads index lines appended since the last call; returns the new count. A missing folder counts 0. */
  async refresh(): Promise<number> {
    let handle;
    try {
      handle = await open(path.join(this.dir, INDEX), 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return this.entries.length;
      throw e;
    }
    try {
      const { size } = await handle.stat();
      if (size > this.offset) {
        const buf = Buffer.alloc(size - this.offset);
        const { bytesRead } = await handle.read(buf, 0, buf.length, this.offset);
        this.offset += bytesRead;
        const text = this.partial + buf.subarray(0, bytesRead).toString('utf8');
        const lines = text.split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) if (line) this.entries.push((JSON.parse(line) as { index: number }).index);
      }
    } finally {
      await handle.close();
    }
    return this.entries.length;
  }

  /** The n-th frame written (n < count). */
  async read(n: number): Promise<StoredFrame> {
    const index = this.entries[n];
    if (index === undefined)
      throw new RangeError(`FrameReader.read: frame ${n}: expected 0..${this.entries.length - 1}`);
    this.meta ??= JSON.parse(await readFile(path.join(this.dir, META), 'utf8')) as FramesMeta;
    const m = this.meta;
    const payload = await readFile(path.join(this.dir, `${index}.bin`));
    const slice = m.slices[index];
    return {
      header: {
        type: 'frame',
        index,
        rows: m.rows,
        columns: m.columns,
        dtype: m.dtype,
        samplesPerPixel: m.samplesPerPixel,
        done: n + 1,
        total: m.total,
        ...(m.windowCenter !== undefined ? { windowCenter: m.windowCenter } : {}),
        ...(m.windowWidth !== undefined ? { windowWidth: m.windowWidth } : {}),
        sopInstanceUid: slice?.sopInstanceUid ?? '',
        frameIndex: slice?.frameIndex ?? 0,
      },
      payload,
    };
  }
}

function littleEndianBytes(values: Float32Array | Uint8Array): Buffer {
  const view = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE || values instanceof Uint8Array) return view;
  return Buffer.from(view).swap32();
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === code;
}
